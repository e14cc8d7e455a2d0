//! Projects: ownership, grants to members and groups, the owns-projects guard, the project
//! explainer, and the escalation guard on project access.

use crate::support::{as_user, db, quick_user};
use app::domain::group::NewGroup;
use app::domain::ids::OrgId;
use app::domain::organization::NewOrganization;
use app::domain::permission::Permission;
use app::domain::project::{AccessGrant, NewProject, ProjectUpdate, Transfer};
use app::domain::role::NewRole;
use app::error::ErrorCode;
use app::service::groups;
use app::service::members;
use app::service::organizations;
use app::service::projects;
use app::service::roles;
use app::store::{self, Db};
use chrono::Utc;

pub struct Fixture {
    pub db: Db,
    pub org_id: OrgId,
}

/// `acme`, owned by ada, with members by role.
pub async fn acme(members: &[(&str, &str)]) -> Fixture {
    let db = db().await;
    let now = Utc::now();
    let ada_id = quick_user(&db, "ada").await;
    let org = organizations::create(
        &db,
        &as_user(&ada_id, "ada"),
        &NewOrganization {
            name: "acme".into(),
            display_name: None,
        },
        now,
    )
    .await
    .unwrap();
    for (name, role) in members {
        let id = quick_user(&db, name).await;
        store::memberships::add(&db, &org.id, &id, role, &[], now)
            .await
            .unwrap();
    }
    Fixture { db, org_id: org.id }
}

pub async fn who(db: &Db, name: &str) -> app::service::principal::Principal {
    let user = store::users::by_login(db, name).await.unwrap().unwrap();
    as_user(&user.id, name)
}

fn new_project(name: &str) -> NewProject {
    NewProject {
        name: name.into(),
        description: Some(format!("The {name} project")),
    }
}

fn grant(role: &str) -> AccessGrant {
    AccessGrant { role: role.into() }
}

#[tokio::test]
async fn projects_are_owned_granted_explained_and_guarded() {
    let Fixture { db, .. } = acme(&[("eve", "editor"), ("vic", "viewer"), ("nora", "")]).await;
    let now = Utc::now();
    let [ada, eve, vic, nora] = [
        who(&db, "ada").await,
        who(&db, "eve").await,
        who(&db, "vic").await,
        who(&db, "nora").await,
    ];

    // projects.create: an editor creates and owns; a viewer cannot.
    let web = projects::create(&db, &eve, "acme", &new_project("web"), now)
        .await
        .unwrap();
    assert_eq!(web.owner, "eve");
    assert_eq!(
        web.permissions,
        ["project.read", "project.write", "project.manage_access"]
    );
    let err = projects::create(&db, &vic, "acme", &new_project("nope"), now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let err = projects::create(&db, &eve, "acme", &new_project("web"), now)
        .await
        .unwrap_err();
    assert_eq!(
        (err.code, err.field.as_deref()),
        (ErrorCode::Validation, Some("name"))
    );

    // A viewer reads every project (projects.read) but cannot change one; a member with no
    // role sees none until granted.
    assert_eq!(
        projects::get(&db, &vic, "acme", "web")
            .await
            .unwrap()
            .project
            .permissions,
        ["project.read"]
    );
    let err = projects::update(
        &db,
        &vic,
        "acme",
        "web",
        &ProjectUpdate {
            name: None,
            description: Some("mine now".into()),
        },
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert!(projects::list(&db, &nora, "acme").await.unwrap().is_empty());
    let err = projects::get(&db, &nora, "acme", "web").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);

    // Grants: to nora directly (reader), to a group she is in (contributor).
    projects::set_access(
        &db,
        &eve,
        "acme",
        "web",
        "user",
        "nora",
        &grant("reader"),
        now,
    )
    .await
    .unwrap();
    groups::create(
        &db,
        &ada,
        "acme",
        &NewGroup {
            name: "devs".into(),
            description: None,
            role: None,
            members: vec![],
        },
        now,
    )
    .await
    .unwrap();
    groups::add_member(&db, &ada, "acme", "devs", "nora", now)
        .await
        .unwrap();
    projects::set_access(
        &db,
        &eve,
        "acme",
        "web",
        "group",
        "devs",
        &grant("contributor"),
        now,
    )
    .await
    .unwrap();
    let seen = projects::get(&db, &nora, "acme", "web").await.unwrap();
    assert_eq!(seen.project.permissions, ["project.read", "project.write"]);
    assert_eq!(seen.access.len(), 2);
    assert_eq!(projects::list(&db, &nora, "acme").await.unwrap().len(), 1);
    projects::update(
        &db,
        &nora,
        "acme",
        "web",
        &ProjectUpdate {
            name: None,
            description: Some("edited by a contributor".into()),
        },
        now,
    )
    .await
    .unwrap();
    // Renaming needs the owner or projects.manage.
    let err = projects::update(
        &db,
        &nora,
        "acme",
        "web",
        &ProjectUpdate {
            name: Some("site".into()),
            description: None,
        },
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);

    // The explainer shows every source, and agrees with the decision.
    let why = members::explain(&db, &ada, "acme", "nora").await.unwrap();
    assert_eq!(why.projects.len(), 1);
    let web_why = &why.projects[0];
    assert_eq!(web_why.project, "web");
    let read = web_why
        .permissions
        .iter()
        .find(|g| g.id == Permission::ProjectRead)
        .unwrap();
    let kinds: Vec<(&str, Option<&str>, &str)> = read
        .granted_by
        .iter()
        .map(|g| (g.kind.as_str(), g.group.as_deref(), g.role.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("project", None, "reader"),
            ("project", Some("devs"), "contributor")
        ]
    );
    let eve_why = members::explain(&db, &ada, "acme", "eve").await.unwrap();
    let manage = eve_why.projects[0]
        .permissions
        .iter()
        .find(|g| g.id == Permission::ProjectManageAccess)
        .unwrap();
    assert_eq!(manage.granted_by[0].kind, "owner");

    // The owns-projects guard, then the transfer that lifts it; the removal also ends the
    // removed member's grants.
    let err = members::remove(&db, &ada, "acme", "eve", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::OwnsProjects);
    let listed = members::list(&db, &ada, "acme", Some("eve"), None, None, None)
        .await
        .unwrap();
    assert!(listed.items[0].owns_projects);
    assert_eq!(
        projects::owned_by(&db, &ada, "acme", "eve").await.unwrap(),
        ["web"]
    );
    let err = projects::transfer(
        &db,
        &eve,
        "acme",
        "web",
        &Transfer {
            new_owner: "stranger".into(),
        },
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("new_owner"));
    let moved = projects::transfer(
        &db,
        &eve,
        "acme",
        "web",
        &Transfer {
            new_owner: "nora".into(),
        },
        now,
    )
    .await
    .unwrap();
    assert_eq!(moved.owner, "nora");
    members::remove(&db, &ada, "acme", "eve", now)
        .await
        .unwrap();
    members::remove(&db, &ada, "acme", "vic", now)
        .await
        .unwrap();
    let detail = projects::get(&db, &ada, "acme", "web").await.unwrap();
    assert_eq!(detail.project.owner, "nora");

    // Deleting: owner or projects.manage.
    projects::delete(&db, &nora, "acme", "web", now)
        .await
        .unwrap();
    assert!(projects::list(&db, &ada, "acme").await.unwrap().is_empty());
}

fn role(name: &str, permissions: &[&str]) -> NewRole {
    NewRole {
        name: name.into(),
        title: None,
        description: None,
        permissions: permissions.iter().map(|p| p.to_string()).collect(),
    }
}

/// Creates the custom role `new` in acme (as ada) and makes it gus's role; gus as a caller.
async fn custom_role_for_gus(
    db: &Db,
    org_id: &OrgId,
    ada: &app::service::principal::Principal,
    new: NewRole,
) -> app::service::principal::Principal {
    roles::create(db, ada, "acme", &new, Utc::now())
        .await
        .unwrap();
    let gus_id = store::users::by_login(db, "gus").await.unwrap().unwrap().id;
    store::memberships::change_role(
        db,
        org_id,
        &gus_id,
        &new.name,
        &crate::support::unchecked(org_id),
        &crate::support::audit(),
    )
    .await
    .unwrap();
    who(db, "gus").await
}

#[tokio::test]
async fn project_access_is_escalation_guarded() {
    let Fixture { db, org_id } = acme(&[("gus", ""), ("nora", ""), ("eve", "editor")]).await;
    let now = Utc::now();
    let ada = who(&db, "ada").await;
    let gus = custom_role_for_gus(
        &db,
        &org_id,
        &ada,
        role("gatekeeper", &["projects.read", "project.manage_access"]),
    )
    .await;
    projects::create(&db, &ada, "acme", &new_project("api"), now)
        .await
        .unwrap();
    // gus may manage access but holds only read: he grants Reader, not Contributor or Admin.
    projects::set_access(
        &db,
        &gus,
        "acme",
        "api",
        "user",
        "nora",
        &grant("reader"),
        now,
    )
    .await
    .unwrap();
    for higher in ["contributor", "admin"] {
        let err = projects::set_access(
            &db,
            &gus,
            "acme",
            "api",
            "user",
            "nora",
            &grant(higher),
            now,
        )
        .await
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::Forbidden, "{higher}");
    }
    // gus cannot even grant himself more.
    let err = projects::set_access(
        &db,
        &gus,
        "acme",
        "api",
        "user",
        "gus",
        &grant("admin"),
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    // An editor without a grant cannot manage access at all; bad roles and grantees.
    let eve = who(&db, "eve").await;
    let err = projects::set_access(
        &db,
        &eve,
        "acme",
        "api",
        "user",
        "nora",
        &grant("reader"),
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let err = projects::set_access(
        &db,
        &ada,
        "acme",
        "api",
        "user",
        "nora",
        &grant("boss"),
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::BadRequest, "an unknown enum value");
    let err = projects::set_access(
        &db,
        &ada,
        "acme",
        "api",
        "user",
        "nobody",
        &grant("reader"),
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    let err = projects::set_access(
        &db,
        &ada,
        "acme",
        "api",
        "robot",
        "nora",
        &grant("reader"),
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    // Revoking: then nora sees nothing.
    projects::remove_access(&db, &gus, "acme", "api", "user", "nora", now)
        .await
        .unwrap();
    let nora = who(&db, "nora").await;
    assert_eq!(
        projects::get(&db, &nora, "acme", "api")
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
    let err = projects::remove_access(&db, &gus, "acme", "api", "user", "nora", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
}

/// The projects a member owns are named only as far as the caller may read them: a role with
/// `members.read` but not `projects.read` sees only the projects granted to it.
#[tokio::test]
async fn owned_projects_are_named_only_to_who_may_read_them() {
    let Fixture { db, org_id } = acme(&[("gus", "")]).await;
    let now = Utc::now();
    let ada = who(&db, "ada").await;
    let gus = custom_role_for_gus(&db, &org_id, &ada, role("auditor", &["members.read"])).await;
    for name in ["secret", "shared"] {
        projects::create(&db, &ada, "acme", &new_project(name), now)
            .await
            .unwrap();
    }
    assert_eq!(
        projects::owned_by(&db, &ada, "acme", "ada").await.unwrap(),
        vec!["secret", "shared"]
    );
    assert!(
        projects::owned_by(&db, &gus, "acme", "ada")
            .await
            .unwrap()
            .is_empty()
    );
    projects::set_access(
        &db,
        &ada,
        "acme",
        "shared",
        "user",
        "gus",
        &grant("reader"),
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        projects::owned_by(&db, &gus, "acme", "ada").await.unwrap(),
        vec!["shared"]
    );
}
