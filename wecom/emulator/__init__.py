"""A local WeCom that speaks the real protocol, for tests and `make demo` (never production).

`state` is WeCom's view of what happened and the guard every call passes (tokens, IP list, rates,
faults); `api` the message API the app calls; `oauth` the sign-in pages; `directory` and `jsapi`
the contacts and JS-SDK tickets; `chat` a page per staff member showing their chat, whose card
taps are real signed callbacks (`wire`); `inspection` what tests read and inject.
"""
