//! Property test: for randomly generated memberships, groups, custom roles, projects and
//! project grants, the explainer shows exactly what an independent model of the rules says,
//! and the decisions (organization access and project access) agree with it.

use crate::projects::{Fixture, acme};
use crate::support::{as_user, quick_user};
use app::domain::group::NewGroup;
use app::domain::ids::UserId;
use app::domain::permission::{CATALOG, Permission, Scope};
use app::domain::role::NewRole;
use app::domain::role::{BuiltinRole, ProjectRole};
use app::service::groups;
use app::service::members;
use app::service::org_access;
use app::service::projects;
use app::service::roles;
use app::store::{self, projects::Grantee};
use chrono::Utc;
use std::collections::{BTreeMap, BTreeSet};

/// A small deterministic generator (xorshift64*), so a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// The model's implication closure, computed from the catalog data alone.
fn closure(ids: impl IntoIterator<Item = Permission>) -> BTreeSet<Permission> {
    let mut set: BTreeSet<Permission> = ids.into_iter().collect();
    loop {
        let before = set.len();
        for entry in CATALOG {
            if set.contains(&entry.id) {
                set.extend(entry.implies.iter().copied());
            }
        }
        if set.len() == before {
            return set;
        }
    }
}

fn model_role(role: &str, custom: &BTreeMap<String, Vec<Permission>>) -> BTreeSet<Permission> {
    match BuiltinRole::parse(role) {
        Some(builtin) => builtin.permissions().iter().collect(),
        None => custom
            .get(role)
            .map(|ps| closure(ps.iter().copied()))
            .unwrap_or_default(),
    }
}

/// (permission, source kind, source name, group) — what the model says grants what.
type Sources = BTreeSet<(Permission, String, String, Option<String>)>;

#[tokio::test]
async fn the_explainer_agrees_with_the_decision_for_random_organizations() {
    for seed in 1..=8u64 {
        check_seed(seed).await;
    }
}

async fn check_seed(seed: u64) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let Fixture { db, org_id } = acme(&[]).await;
    let now = Utc::now();
    let ada = crate::projects::who(&db, "ada").await;
    let ids: Vec<Permission> = Permission::ALL.to_vec();

    // Custom roles with random ticks.
    let mut custom: BTreeMap<String, Vec<Permission>> = BTreeMap::new();
    for i in 0..3 {
        let ticks: Vec<Permission> = ids.iter().copied().filter(|_| rng.chance(20)).collect();
        let name = format!("custom-{i}");
        roles::create(
            &db,
            &ada,
            "acme",
            &NewRole {
                name: name.clone(),
                title: None,
                description: None,
                permissions: ticks.iter().map(|p| p.id().to_string()).collect(),
            },
            now,
        )
        .await
        .unwrap_or_else(|e| panic!("seed {seed}: {e:?}"));
        custom.insert(name, ticks);
    }
    let role_names: Vec<String> = ["admin", "editor", "viewer", ""]
        .into_iter()
        .map(str::to_string)
        .chain(custom.keys().cloned())
        .collect();

    // Groups with random roles.
    let mut group_roles: BTreeMap<String, String> = BTreeMap::new();
    for i in 0..3 {
        let name = format!("team-{i}");
        let role = role_names[rng.below(role_names.len())].clone();
        groups::create(
            &db,
            &ada,
            "acme",
            &NewGroup {
                name: name.clone(),
                description: None,
                role: Some(role.clone()).filter(|r| !r.is_empty()),
                members: vec![],
            },
            now,
        )
        .await
        .unwrap_or_else(|e| panic!("seed {seed}: {e:?}"));
        group_roles.insert(name, role);
    }

    // Members with random roles and groups.
    let mut members_of: BTreeMap<String, (UserId, String, Vec<String>)> = BTreeMap::new();
    for i in 0..5 {
        let name = format!("m{i}");
        let id = quick_user(&db, &name).await;
        let role = role_names[rng.below(role_names.len())].clone();
        store::memberships::add(&db, &org_id, &id, &role, &[], now)
            .await
            .unwrap();
        let mut in_groups = Vec::new();
        for group in group_roles.keys() {
            if rng.chance(40) {
                groups::add_member(&db, &ada, "acme", group, &name, now)
                    .await
                    .unwrap();
                in_groups.push(group.clone());
            }
        }
        members_of.insert(name, (id, role, in_groups));
    }

    // Projects with random owners and grants.
    let names: Vec<String> = members_of.keys().cloned().collect();
    let mut project_owner: BTreeMap<String, String> = BTreeMap::new();
    let mut user_grants: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut group_grants: BTreeMap<(String, String), String> = BTreeMap::new();
    for p in 0..3 {
        let project = format!("p{p}");
        let owner = names[rng.below(names.len())].clone();
        let row = store::projects::create(
            &db,
            &org_id,
            &project,
            "",
            &members_of[&owner].0,
            now,
            &crate::support::audit(),
        )
        .await
        .unwrap();
        project_owner.insert(project.clone(), owner);
        for name in &names {
            if rng.chance(30) {
                let role = ProjectRole::ALL[rng.below(3)].name();
                store::projects::grant(
                    &db,
                    &org_id,
                    &row.id,
                    &Grantee::User(members_of[name].0.clone()),
                    role,
                    &crate::support::audit(),
                )
                .await
                .unwrap();
                user_grants.insert((project.clone(), name.clone()), role.to_string());
            }
        }
        for group in group_roles.keys() {
            if rng.chance(30) {
                let found = store::groups::get(&db, &org_id, group)
                    .await
                    .unwrap()
                    .unwrap();
                let role = ProjectRole::ALL[rng.below(3)].name();
                store::projects::grant(
                    &db,
                    &org_id,
                    &row.id,
                    &Grantee::Group(found.id.clone()),
                    role,
                    &crate::support::audit(),
                )
                .await
                .unwrap();
                group_grants.insert((project.clone(), group.clone()), role.to_string());
            }
        }
    }

    for (name, (id, role, in_groups)) in &members_of {
        // The model: organization permissions and their sources.
        let mut org_sources: Sources = BTreeSet::new();
        for p in model_role(role, &custom) {
            org_sources.insert((p, "role".into(), role.clone(), None));
        }
        for group in in_groups {
            for p in model_role(&group_roles[group], &custom) {
                org_sources.insert((p, "group".into(), group.clone(), None));
            }
        }
        let org_set: BTreeSet<Permission> = org_sources.iter().map(|s| s.0).collect();

        // The explainer says the same.
        let why = members::explain(&db, &ada, "acme", name).await.unwrap();
        let shown: Sources = why
            .permissions
            .iter()
            .flat_map(|g| {
                g.granted_by
                    .iter()
                    .map(move |s| (g.id, s.kind.clone(), s.name.clone(), s.group.clone()))
            })
            .collect();
        assert_eq!(
            shown, org_sources,
            "seed {seed}, member {name}: organization sources"
        );

        // The decision says the same.
        let principal = as_user(id, name);
        let access = org_access::resolve(&db, &principal, "acme").await.unwrap();
        let decided: BTreeSet<Permission> = access.permissions.iter().collect();
        assert_eq!(decided, org_set, "seed {seed}, member {name}: decision");

        // Projects: model, explainer and decision.
        for (project, owner) in &project_owner {
            let mut sources: Sources = org_sources
                .iter()
                .filter(|s| s.0.info().scope == Scope::Project)
                .cloned()
                .collect();
            if owner == name {
                for p in ProjectRole::Admin.permissions().iter() {
                    sources.insert((p, "owner".into(), project.clone(), None));
                }
            }
            if let Some(role) = user_grants.get(&(project.clone(), name.clone())) {
                for p in ProjectRole::parse(role).unwrap().permissions().iter() {
                    sources.insert((p, "project".into(), project.clone(), None));
                }
            }
            for group in in_groups {
                if let Some(role) = group_grants.get(&(project.clone(), group.clone())) {
                    for p in ProjectRole::parse(role).unwrap().permissions().iter() {
                        sources.insert((p, "project".into(), project.clone(), Some(group.clone())));
                    }
                }
            }
            let specific = sources.iter().any(|s| s.1 == "owner" || s.1 == "project");
            let listed = why.projects.iter().find(|p| &p.project == project);
            assert_eq!(
                listed.is_some(),
                specific,
                "seed {seed}, {name} on {project}: listed"
            );
            if let Some(listed) = listed {
                let shown: Sources = listed
                    .permissions
                    .iter()
                    .flat_map(|g| {
                        g.granted_by
                            .iter()
                            .map(move |s| (g.id, s.kind.clone(), s.name.clone(), s.group.clone()))
                    })
                    .collect();
                assert_eq!(shown, sources, "seed {seed}, {name} on {project}: sources");
            }
            let expected: Vec<String> = Permission::ALL
                .into_iter()
                .filter(|p| sources.iter().any(|s| s.0 == *p))
                .map(|p| p.id().to_string())
                .collect();
            match projects::get(&db, &principal, "acme", project).await {
                Ok(detail) => assert_eq!(
                    detail.project.permissions, expected,
                    "seed {seed}, {name} on {project}: decision"
                ),
                Err(err) => {
                    assert_eq!(err.code, app::error::ErrorCode::NotFound);
                    assert!(
                        !expected.contains(&"project.read".to_string()),
                        "seed {seed}, {name} on {project}: refused despite project.read"
                    );
                }
            }
        }
    }
}
