//! The resource models of every line, as the emulator reads them: every operation that names
//! records of a family (its own, or another line's through `refs`) gets a documented answer,
//! or the family's fallback, for an unknown id. `cargo xtask codegen` checks this within a
//! line; references across lines are checked here, with every line served.

use cds_core::model::ActionKind;

#[test]
fn every_reference_resolves_a_documented_answer_or_a_fallback() {
    let lines = cds_lines::all();
    let mut problems = Vec::new();
    for line in &lines {
        let Some(model) = line.resources else {
            continue;
        };
        let find = |target: &str| {
            let (l, f) = match target.split_once('/') {
                Some((l, f)) => (l, f),
                None => (line.service.product, target),
            };
            lines
                .iter()
                .find(|x| x.service.product == l)
                .and_then(|x| x.resources)
                .and_then(|m| m.families.iter().find(|x| x.name == f))
        };
        for family in model.families {
            for a in family.actions {
                for (param, target) in a.refs {
                    let Some(t) = find(target) else {
                        problems.push(format!(
                            "{} {}: refs {param}: no family {target}",
                            line.service.product, a.op
                        ));
                        continue;
                    };
                    let codes: Vec<&str> = t
                        .errors
                        .not_found
                        .iter()
                        .chain(t.errors.malformed)
                        .copied()
                        .collect();
                    let documented = a.documented.iter().any(|d| codes.contains(&d.code));
                    if !documented && t.errors.fallback.is_none() {
                        problems.push(format!(
                            "{} {}: refs {param} ({target}): no documented code and no fallback",
                            line.service.product, a.op
                        ));
                    }
                }
                for b in a.blocked_by {
                    if find(b.family).is_none() {
                        problems.push(format!(
                            "{} {}: blocked_by {}: no such family",
                            line.service.product, a.op, b.family
                        ));
                    }
                }
                if a.kind == ActionKind::Create && a.op.is_empty() {
                    problems.push("an action without an operation".into());
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// A line whose model exists in the spec but was not compiled (its crate's `model` feature off)
/// is refused by a stateful emulator with a message that says how to compile it; a stateless
/// one serves it.
#[tokio::test]
async fn a_stateful_emulator_refuses_a_line_whose_model_is_not_compiled() {
    static UNCOMPILED: cds_core::operation::LineDescription =
        cds_core::operation::LineDescription {
            resources: None,
            ..cds_ccs::meta::LINE
        };
    assert!(cds_ccs::meta::LINE.has_model && cds_ccs::meta::LINE.resources.is_some());
    let err = match cds_emulator::Emulator::builder(&[&UNCOMPILED])
        .start()
        .await
    {
        Ok(_) => panic!("a line whose model is not compiled was served statefully"),
        Err(e) => e,
    };
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    let shown = err.to_string();
    assert!(
        shown.contains("line ccs")
            && shown.contains("`model` feature")
            && shown.contains("cds-ccs"),
        "{shown}"
    );
    assert!(cds_emulator::Emulator::start(&[&UNCOMPILED]).await.is_ok());
    // A line without a model in the spec (billing) is served statefully as before.
    assert!(!cds_billing::meta::LINE.has_model);
    assert!(cds_emulator::Emulator::builder(&[&cds_billing::meta::LINE])
        .start()
        .await
        .is_ok());
}
