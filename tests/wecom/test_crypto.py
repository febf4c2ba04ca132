"""WeCom callback crypto against Tencent's published vectors (shared/reference/wecom_vectors.py)."""

import base64

import pytest

from wecom.crypto import CallbackCrypto, MalformedPayload, WrongReceiver

# Vector (a): sbzhu/weworkapi_python callback/Sample.py at 3dfbc26.
A_TOKEN, A_KEY, A_CORP = (
    "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
    "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
    "ww1436e0e65a779aee",
)
A_ECHO = "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA=="
A_POST = (
    "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kk"
    "YcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4"
    "Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f"
    "49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+"
)
# Vector (b): doc 90968's example; pad byte 30 exercises 32-byte PKCS#7.
B_TOKEN, B_KEY = "QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
B_POST = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJT"
    "s3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf"
    "5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJW"
    "rQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2"
    "uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
)


def test_vector_a_url_verification():
    crypto = CallbackCrypto(A_TOKEN, A_KEY, A_CORP)
    assert crypto.signature_matches(
        "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb", "1476416373", "47744683", A_ECHO
    )
    assert crypto.decrypt(A_ECHO) == "1288432023552776189"


def test_vector_a_message():
    crypto = CallbackCrypto(A_TOKEN, A_KEY, A_CORP)
    assert crypto.signature_matches(
        "0c3914025cb4b4d68103f6bfc8db550f79dcf48e", "1476422779", "1597212914", A_POST
    )
    message = crypto.decrypt(A_POST)
    assert "<Content>你好</Content>" in message and "<MsgId>1456453720</MsgId>" in message


def test_vector_b_with_pad_30():
    crypto = CallbackCrypto(B_TOKEN, B_KEY, "wx5823bf96d3bd56c7")
    assert crypto.signature_matches(
        "477715d11cdb4164915debcba66cb864d751f3e6", "1409659813", "1372623149", B_POST
    )
    assert "<MsgId>4561255354251345929</MsgId>" in crypto.decrypt(B_POST)


def test_wrong_receiver_and_bad_signature():
    assert not CallbackCrypto(A_TOKEN, A_KEY, A_CORP).signature_matches(
        "0" * 40, "1476416373", "47744683", A_ECHO
    )
    with pytest.raises(WrongReceiver):
        CallbackCrypto(A_TOKEN, A_KEY, "wwsomeoneelse").decrypt(A_POST)


@pytest.mark.parametrize(
    "bad", ["not base64!!", base64.b64encode(b"x" * 15).decode(), base64.b64encode(b"x" * 32).decode()]
)
def test_garbage_is_malformed_not_a_crash(bad):
    with pytest.raises(MalformedPayload):
        CallbackCrypto(A_TOKEN, A_KEY, A_CORP).decrypt(bad)


def test_round_trip_and_envelope():
    crypto = CallbackCrypto("tok", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wwdemo")
    for text in ("", "短", "x" * 31, "x" * 32, "<xml>" + "中" * 500 + "</xml>"):
        assert crypto.decrypt(crypto.encrypt(text)) == text
    envelope = crypto.envelope("<xml/>", "1700000000", "n1")
    encrypt = envelope.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    assert crypto.signature("1700000000", "n1", encrypt) in envelope
