"""Use-cases: plain functions with keyword arguments that flush but never commit.

Chat, web, CLI and jobs all call the same ones. No `request`, no WeCom types; errors are
DomainError subclasses carrying a Chinese message for the user and an HTTP status.
"""
