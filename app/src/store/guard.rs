//! Why a guarded write was refused: the one enum for every `THROW` of the store's transaction
//! guards, and the one place their messages are written.
//!
//! Invariants:
//! - Each guard `THROW`s one of the codes below, and each code means one thing: a `THROW`
//!   is told apart by its exact code ([`Guard::from_code`]), never by a substring.
//! - Every refusal reaches the caller through `From<Guard> for AppError`, so one refusal has
//!   one status and one message on every path.

use super::error::StoreError;
use crate::error::{AppError, ErrorCode};

/// A refusal by a transaction guard (or a database failure).
#[derive(Debug)]
pub enum Guard {
    /// The row the write is about does not exist.
    NotFound,
    /// The row to end or replace is already gone (callers often answer `false`).
    Absent,
    // Site administration.
    LastSiteAdmin,
    /// The user is the last owner of an organization.
    UserLastOwner,
    /// The user owns projects.
    UserOwnsProjects,
    // Accounts.
    UsernameTaken,
    EmailTaken,
    /// A verification link that was used, replaced or expired.
    LinkDead,
    // Members.
    NotMember,
    AlreadyMember,
    /// The organization would be left without an owner.
    LastOwner,
    /// The member still owns projects of the organization.
    OwnsProjects,
    /// A site admin adds an owner only where no active owner is left.
    HasActiveOwner,
    /// A site admin may not make themselves an owner where owners remain.
    SelfOwner,
    // The rights guard (`store::rights`): what the caller's check saw no longer holds.
    /// Only an owner may make this change.
    OwnerOnly,
    /// A role, a group's role or a member's role changed since the check.
    RoleChanged,
    /// The caller's own standing changed since the check.
    RightsChanged,
    // Invitations.
    /// The address already has a live invitation.
    InvitationPending,
    /// The invited address belongs to a member already.
    InviteeIsMember,
    /// Unknown, used, revoked or expired: one answer for all.
    InvitationInvalid,
    /// The invitation's role or preset groups changed since it was read (resending).
    InvitationChanged,
    /// The invitation was sent to another address.
    EmailMismatch,
    /// The accepting account's address is not verified.
    Unverified,
    // Names.
    OrgNameTaken,
    GroupNameTaken,
    ProjectNameTaken,
    // Groups and projects.
    /// Only members of the organization join its groups.
    JoinerNotMember,
    /// Only members of the organization own or are granted a project.
    GranteeNotMember,
    NoSuchGroup,
    // Custom roles.
    RoleExists,
    /// The role's permissions changed since the editor read them.
    RoleEdited,
    // Two-factor.
    /// Two-factor is already on (enrolling a new app).
    TwoFactorOn,
    /// Two-factor changed state since the check (not on, or no pending secret).
    TwoFactorState,
    /// The code was accepted before, or the pending secret changed.
    TwoFactorUsed,
    // Counters.
    /// A throttle counter changed since it was read.
    Raced,
    /// A use of a revoked token was recorded within the last minute.
    Quiet,
    /// A token rotated already (its successor is rotated instead).
    AlreadyRotated,
    // Single sign-on.
    /// The identity at the provider is linked to an account already.
    IdentityLinked,
    /// It is the user's last way to sign in.
    LastSignIn,
    /// The passkey is registered already (to this account or another).
    PasskeyRegistered,
    /// The account has as many passkeys as it may.
    TooManyPasskeys,
    /// An administrator's change would leave the user no way to sign in.
    UserLastSignIn,
    /// The instance requires two-factor and this is the user's last second factor.
    SecondFactorRequired,
    /// The database failed (not a refusal).
    Store(StoreError),
}

/// A `THROW` code and the refusal it stands for.
type Code = (&'static str, fn() -> Guard);

/// Each `THROW` code and its refusal.
const CODES: &[Code] = &[
    ("not_found", || Guard::NotFound),
    ("absent", || Guard::Absent),
    ("last_site_admin", || Guard::LastSiteAdmin),
    ("user_last_owner", || Guard::UserLastOwner),
    ("user_owns_projects", || Guard::UserOwnsProjects),
    ("username_taken", || Guard::UsernameTaken),
    ("email_taken", || Guard::EmailTaken),
    ("link_dead", || Guard::LinkDead),
    ("not_member", || Guard::NotMember),
    ("already_member", || Guard::AlreadyMember),
    ("last_owner", || Guard::LastOwner),
    ("owns_projects", || Guard::OwnsProjects),
    ("has_active_owner", || Guard::HasActiveOwner),
    ("self_owner", || Guard::SelfOwner),
    ("owner_only", || Guard::OwnerOnly),
    ("role_changed", || Guard::RoleChanged),
    ("rights_changed", || Guard::RightsChanged),
    ("invitation_pending", || Guard::InvitationPending),
    ("invitee_is_member", || Guard::InviteeIsMember),
    ("invitation_invalid", || Guard::InvitationInvalid),
    ("invitation_changed", || Guard::InvitationChanged),
    ("email_mismatch", || Guard::EmailMismatch),
    ("unverified", || Guard::Unverified),
    ("org_name_taken", || Guard::OrgNameTaken),
    ("group_name_taken", || Guard::GroupNameTaken),
    ("project_name_taken", || Guard::ProjectNameTaken),
    ("joiner_not_member", || Guard::JoinerNotMember),
    ("grantee_not_member", || Guard::GranteeNotMember),
    ("no_such_group", || Guard::NoSuchGroup),
    ("role_exists", || Guard::RoleExists),
    ("role_edited", || Guard::RoleEdited),
    ("two_factor_on", || Guard::TwoFactorOn),
    ("two_factor_state", || Guard::TwoFactorState),
    ("two_factor_used", || Guard::TwoFactorUsed),
    ("raced", || Guard::Raced),
    ("quiet", || Guard::Quiet),
    ("already_rotated", || Guard::AlreadyRotated),
    ("identity_linked", || Guard::IdentityLinked),
    ("last_sign_in", || Guard::LastSignIn),
    ("passkey_registered", || Guard::PasskeyRegistered),
    ("too_many_passkeys", || Guard::TooManyPasskeys),
    ("user_last_sign_in", || Guard::UserLastSignIn),
    ("second_factor_required", || Guard::SecondFactorRequired),
];

impl Guard {
    /// The refusal a guard's `THROW` code stands for.
    pub fn from_code(code: &str) -> Option<Guard> {
        CODES
            .iter()
            .find(|(known, _)| *known == code)
            .map(|(_, guard)| guard())
    }

    /// Whether this is a write conflict still unresolved after every retry.
    pub fn is_conflict(&self) -> bool {
        matches!(self, Guard::Store(StoreError::Query(err)) if super::retry::is_conflict(err))
    }

    /// Every code a guard may `THROW` (for tests).
    pub fn codes() -> impl Iterator<Item = &'static str> {
        CODES.iter().map(|(code, _)| *code)
    }
}

/// The code of a `THROW`: SurrealDB reports it as the message, possibly after a prefix.
fn thrown_code(err: &surrealdb::Error) -> Option<&str> {
    if !err.is_thrown() {
        return None;
    }
    let message = err.message().trim();
    Some(
        message
            .rsplit_once(": ")
            .map_or(message, |(_, code)| code)
            .trim_matches(['\'', '"']),
    )
}

impl From<surrealdb::Error> for Guard {
    fn from(err: surrealdb::Error) -> Self {
        thrown_code(&err)
            .and_then(Guard::from_code)
            .unwrap_or_else(|| Guard::Store(err.into()))
    }
}

impl From<StoreError> for Guard {
    fn from(err: StoreError) -> Self {
        Guard::Store(err)
    }
}

/// The field error of a name someone else holds.
fn name_taken(message: &str) -> AppError {
    AppError::validation("name", message)
}

fn role_changed() -> AppError {
    AppError::conflict(
        ErrorCode::Conflict,
        "That role was changed or deleted meanwhile. Reload and try again.",
    )
}

impl From<Guard> for AppError {
    fn from(guard: Guard) -> Self {
        match guard {
            Guard::NotFound | Guard::Absent | Guard::NotMember | Guard::NoSuchGroup => {
                AppError::not_found()
            }
            Guard::LastSiteAdmin => AppError::conflict(
                ErrorCode::LastSiteAdmin,
                "The instance needs at least one active site administrator. Make someone else one first.",
            ),
            Guard::UserLastOwner => AppError::conflict(
                ErrorCode::LastOwner,
                "This user is the last owner of an organization. Make someone else an owner there first.",
            ),
            Guard::UserOwnsProjects => AppError::conflict(
                ErrorCode::OwnsProjects,
                "This user owns projects. Transfer them to someone else first.",
            ),
            Guard::UsernameTaken => {
                AppError::validation("username", "That username is already taken.")
            }
            // Worded so that sign-up does not tell whether an address has an account.
            Guard::EmailTaken => {
                AppError::validation("email", "This email address is invalid or already in use.")
            }
            Guard::AlreadyRotated => AppError::conflict(
                ErrorCode::Conflict,
                "This token was already rotated; rotate its successor instead.",
            ),
            Guard::IdentityLinked => AppError::conflict(
                ErrorCode::Conflict,
                "This identity at the provider is already linked to an account.",
            ),
            Guard::LastSignIn => AppError::conflict(
                ErrorCode::Conflict,
                "This is your last way to sign in. Set a password, add a passkey or link another provider first.",
            ),
            Guard::PasskeyRegistered => {
                AppError::conflict(ErrorCode::Conflict, "This passkey is registered already.")
            }
            Guard::TooManyPasskeys => AppError::conflict(
                ErrorCode::Conflict,
                "An account has at most 25 passkeys. Delete one you no longer use first.",
            ),
            Guard::SecondFactorRequired => AppError::new(
                ErrorCode::TwoFactorPolicy,
                "This instance requires two-factor authentication: set up an authenticator app or add another passkey before deleting your last one.",
            ),
            Guard::UserLastSignIn => AppError::conflict(
                ErrorCode::Conflict,
                "This user has no password and no linked identity: their passkeys are their only way in. Give them a temporary password first.",
            ),
            Guard::LinkDead => AppError::new(
                ErrorCode::NotFound,
                "This link is not valid any more: it was used, replaced or expired.",
            ),
            Guard::AlreadyMember => AppError::conflict(
                ErrorCode::AlreadyMember,
                "That person is already a member of this organization.",
            ),
            Guard::LastOwner => AppError::conflict(
                ErrorCode::LastOwner,
                "An organization needs at least one owner. Make someone else an owner first.",
            ),
            Guard::OwnsProjects => AppError::conflict(
                ErrorCode::OwnsProjects,
                "This member owns projects. Transfer them to someone else first.",
            ),
            Guard::HasActiveOwner => AppError::conflict(
                ErrorCode::Conflict,
                "This organization has an active owner: they manage its members. A site administrator adds an owner only where none is left.",
            ),
            Guard::SelfOwner => AppError::conflict(
                ErrorCode::SelfAction,
                "You cannot make yourself an owner of an organization that has owners; make another user its owner.",
            ),
            Guard::OwnerOnly => {
                AppError::forbidden("Only an owner can grant, take away or remove the Owner role.")
            }
            Guard::RoleChanged | Guard::RightsChanged | Guard::InvitationChanged => role_changed(),
            Guard::InvitationPending => AppError::validation(
                "email",
                "That address already has a pending invitation. Resend it instead.",
            )
            .with_code(ErrorCode::Conflict),
            Guard::InviteeIsMember => AppError {
                field: Some("email".into()),
                ..AppError::conflict(
                    ErrorCode::AlreadyMember,
                    "That person is already a member of this organization.",
                )
            },
            Guard::InvitationInvalid => AppError::new(
                ErrorCode::NotFound,
                "This invitation is not valid: it was used, revoked or declined, or it expired. Ask for a new one.",
            ),
            Guard::EmailMismatch => AppError::forbidden(
                "This invitation was sent to another email address. Sign in with the account that uses it.",
            ),
            Guard::Unverified => AppError::forbidden(
                "Verify your email address first (see Settings → Profile), then open the invitation again.",
            ),
            Guard::OrgNameTaken => name_taken("That name is already taken."),
            Guard::GroupNameTaken => name_taken("A group with that name already exists."),
            Guard::ProjectNameTaken => name_taken("A project with that name already exists."),
            Guard::JoinerNotMember => AppError::validation(
                "username",
                "Only members of the organization can join its groups.",
            ),
            Guard::GranteeNotMember => AppError::validation(
                "new_owner",
                "Only a member of the organization can own or be granted a project.",
            ),
            Guard::RoleExists => {
                AppError::conflict(ErrorCode::Conflict, "A role with that name exists.")
            }
            Guard::RoleEdited => AppError::conflict(
                ErrorCode::Conflict,
                "Someone changed this role meanwhile. Reload it and make your change again.",
            ),
            Guard::TwoFactorOn => AppError::conflict(
                ErrorCode::Conflict,
                "Two-factor authentication is already on. Turn it off first to enrol another app.",
            ),
            Guard::TwoFactorState => AppError::conflict(
                ErrorCode::Conflict,
                "Two-factor authentication changed meanwhile. Reload the page and try again.",
            ),
            Guard::TwoFactorUsed => AppError {
                field: Some("code".into()),
                ..AppError::new(
                    ErrorCode::InvalidCredentials,
                    "That code is not valid. Enter the current code from your authenticator app, or an unused recovery code.",
                )
            },
            // Counters answer these themselves; reaching a caller is a bug.
            Guard::Raced | Guard::Quiet => {
                AppError::internal("a counter's refusal reached a caller")
            }
            Guard::Store(err) => err.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_code_comes_back_as_its_own_refusal() {
        let (db, _) = super::super::open("mem://", None).await.unwrap();
        for code in Guard::codes() {
            let err = super::super::checked(
                db.query(format!(
                    "BEGIN TRANSACTION; CREATE widget:one; THROW '{code}'; COMMIT TRANSACTION;"
                ))
                .await
                .unwrap(),
            )
            .unwrap_err();
            let guard = Guard::from(err);
            let again = Guard::from_code(code).unwrap();
            assert_eq!(
                std::mem::discriminant(&guard),
                std::mem::discriminant(&again),
                "{code} came back as {guard:?}"
            );
        }
        let codes: Vec<_> = Guard::codes().collect();
        let unique: std::collections::BTreeSet<_> = codes.iter().collect();
        assert_eq!(codes.len(), unique.len(), "a code is listed twice");
    }

    #[tokio::test]
    async fn an_unknown_throw_or_a_failure_is_a_store_error() {
        let (db, _) = super::super::open("mem://", None).await.unwrap();
        for query in [
            "THROW 'last_owner_x';",
            "THROW 'x_last_owner';",
            "SELECT * FROM ;",
        ] {
            let err = match db.query(query).await {
                Ok(response) => super::super::checked(response).unwrap_err(),
                Err(err) => err,
            };
            assert!(matches!(Guard::from(err), Guard::Store(_)), "{query}");
        }
    }
}
