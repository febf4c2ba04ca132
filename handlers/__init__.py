"""Use-cases: plain functions with keyword arguments that flush but never commit.

Chat, web, CLI and jobs all call the same ones. No `request`, no WeCom types; errors are
DomainError subclasses carrying a Chinese message for the user and an HTTP status (errors.py),
and a refusal carries whatever must be kept of it. A feature with more than one concern is a
package (meetings/, approvals/, learning/, reminders/, compliance/, orgs/) whose `__init__`
re-exports its public use-cases, so callers read `meetings.plan_meeting(...)`. People are told
things through one door (notify.py, or the reminder engine for anything timed); pages are named
by route (links.py); who may do what is policy.py; every change worth keeping is in audit.py.
"""
