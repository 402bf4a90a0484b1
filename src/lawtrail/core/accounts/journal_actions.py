"""The journal action tags of accounts (logging in, tokens, second factor): one enum, no f-strings."""

from enum import StrEnum

from .models import AuthEvent


class AccountsJournal(StrEnum):
    USER_AUTH_STATE = "accounts:user:auth_state"
    USER_DEACTIVATE = "accounts:user:deactivate"
    USER_REACTIVATE = "accounts:user:reactivate"
    TOKEN_ISSUE = "accounts:token:issue"
    TOKEN_REVOKE = "accounts:token:revoke"
    TOTP_DISCARD = "accounts:totp:discard"
    TOTP_START = "accounts:totp:start"
    TOTP_CONFIRM = "accounts:totp:confirm"
    RECOVERY_CREATE = "accounts:recovery:create"
    RECOVERY_DISCARD = "accounts:recovery:discard"
    RECOVERY_ISSUE = "accounts:recovery:issue"
    RECOVERY_USE = "accounts:recovery:use"
    AUTH_LOGIN = "accounts:auth:login"
    AUTH_LOGIN_FAILED = "accounts:auth:login_failed"
    AUTH_LOCKOUT = "accounts:auth:lockout"
    AUTH_LOGOUT = "accounts:auth:logout"
    AUTH_SESSION_EXPIRED = "accounts:auth:session_expired"
    AUTH_OTP_VERIFIED = "accounts:auth:otp_verified"
    AUTH_OTP_FAILED = "accounts:auth:otp_failed"
    AUTH_OTP_ENROLLED = "accounts:auth:otp_enrolled"
    AUTH_OTP_REMOVED = "accounts:auth:otp_removed"
    AUTH_RECOVERY_USED = "accounts:auth:recovery_used"
    AUTH_PASSWORD_CHANGED = "accounts:auth:password_changed"
    AUTH_TOKEN_ISSUED = "accounts:auth:token_issued"
    AUTH_TOKEN_REVOKED = "accounts:auth:token_revoked"
    AUTH_ACCESS_REVOKED = "accounts:auth:access_revoked"

    @classmethod
    def auth(cls, kind: str) -> "AccountsJournal":
        """The tag of an authentication event of ``kind`` (an ``AuthEvent.Kind``); an unknown kind
        fails loudly instead of writing a tag nobody can search for."""
        return cls(f"accounts:auth:{AuthEvent.Kind(kind)}")
