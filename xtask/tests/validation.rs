//! One negative test per validation rule of the spec loader: a copy of the small fixture spec
//! with one deliberate mistake must fail to load with an error naming the file, the item
//! (operation or type) and the field.

use std::path::{Path, PathBuf};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini/spec/mini")
}

/// Loads a copy of the fixture in which `file`'s text `from` is replaced by `to`, and returns
/// the error messages.
fn errors_after(file: &str, from: &str, to: &str) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!(
        "xtask-validation-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    let line_dir = dir.join("mini");
    std::fs::create_dir_all(&line_dir).unwrap();
    for entry in std::fs::read_dir(fixture_dir()).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let mut text = std::fs::read_to_string(entry.path()).unwrap();
        if name == file {
            assert!(text.contains(from), "the fixture {file} has no {from:?}");
            text = text.replacen(from, to, 1);
        }
        std::fs::write(line_dir.join(&name), text).unwrap();
    }
    let result = xtask::spec::Line::load(&line_dir);
    let _ = std::fs::remove_dir_all(&dir);
    match result {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(|e| e.to_string()).collect(),
    }
}

static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Asserts that one error mentions every one of `parts`.
#[track_caller]
fn assert_rejected(file: &str, from: &str, to: &str, parts: &[&str]) {
    let errors = errors_after(file, from, to);
    assert!(
        errors.iter().any(|e| parts.iter().all(|p| e.contains(p))),
        "expected an error mentioning {parts:?}, got {errors:#?}"
    );
}

#[test]
fn the_fixture_itself_is_valid() {
    assert!(errors_after("product.yaml", "mini", "mini").is_empty());
}

#[test]
fn product_name_must_match_the_folder() {
    assert_rejected(
        "product.yaml",
        "product: mini",
        "product: other",
        &["product.yaml", "field product", "folder"],
    );
}

#[test]
fn misspelled_vocabularies_are_rejected_at_load_time() {
    assert_rejected(
        "product.yaml",
        "protocol: rpc",
        "protocol: rcp",
        &["product.yaml", "unknown variant `rcp`"],
    );
    assert_rejected(
        "product.yaml",
        "auth: hmac-sha1",
        "auth: hmac",
        &["product.yaml", "unknown variant `hmac`"],
    );
    assert_rejected(
        "product.yaml",
        "host: cdsapi",
        "host: cds",
        &["product.yaml", "unknown variant `cds`"],
    );
    assert_rejected(
        "instance.yaml",
        "method: POST",
        "method: POTS",
        &["instance.yaml", "unknown variant `POTS`", "CreateInstance"],
    );
    assert_rejected(
        "instance.yaml",
        "in: body, type: string, required: true",
        "in: bdy, type: string, required: true",
        &["instance.yaml", "unknown variant `bdy`", "CreateInstance"],
    );
}

#[test]
fn rpc_lines_need_a_version() {
    assert_rejected(
        "product.yaml",
        "version: \"2019-08-08\"\n",
        "",
        &["product.yaml", "field version"],
    );
}

#[test]
fn operations_are_unique_and_pascal_case() {
    assert_rejected(
        "instance.yaml",
        "name: DescribeTask\n",
        "name: CreateInstance\n",
        &["instance.yaml", "operation CreateInstance", "also used"],
    );
    assert_rejected(
        "instance.yaml",
        "name: DescribeTask\n",
        "name: describe_task\n",
        &[
            "instance.yaml",
            "operation describe_task",
            "field name",
            "PascalCase",
        ],
    );
}

#[test]
fn operations_need_both_docs() {
    assert_rejected(
        "instance.yaml",
        "doc: {en: Query a task., zh: 查询任务}",
        "doc: {en: Query a task.}",
        &[
            "instance.yaml",
            "operation DescribeTask",
            "field doc",
            "en and zh",
        ],
    );
}

#[test]
fn parameters_are_unique_located_and_typed() {
    assert_rejected(
        "instance.yaml",
        "{name: Password, in: body",
        "{name: InstanceName, in: body",
        &[
            "operation CreateInstance",
            "field InstanceName",
            "listed twice",
        ],
    );
    assert_rejected(
        "instance.yaml",
        "{name: TaskId, in: query",
        "{name: TaskId",
        &["operation DescribeTask", "field TaskId", "needs `in`"],
    );
    assert_rejected(
        "instance.yaml",
        "{name: TaskId, in: query",
        "{name: TaskId, in: path",
        &["operation DescribeTask", "field TaskId", "not in path"],
    );
    assert_rejected(
        "instance.yaml",
        "type: \"list<DataDisk>\", doc: {en: Data disks",
        "type: \"list<DataDsk>\", doc: {en: Data disks",
        &[
            "operation CreateInstance",
            "field DataDisks",
            "unknown type \"DataDsk\"",
        ],
    );
    assert_rejected(
        "instance.yaml",
        "{name: Kind, in: body, type: InstanceKind",
        "{name: Kind, in: body, type: int",
        &[
            "operation CreateInstance",
            "field Kind",
            "unknown type expression",
        ],
    );
}

#[test]
fn one_or_list_needs_a_list() {
    assert_rejected(
        "instance.yaml",
        "{name: Kind, in: body, type: InstanceKind",
        "{name: Kind, in: body, one_or_list: \"answers differ\", type: InstanceKind",
        &[
            "operation CreateInstance",
            "field Kind",
            "one_or_list needs a list type",
        ],
    );
}

#[test]
fn at_most_one_body_root() {
    assert_rejected(
        "instance.yaml",
        "{name: Password, in: body, type: string, sensitive: true, doc: {en: Password, zh: 密码}}\n      - {name: DataDisks, in: body,",
        "{name: Password, in: body_root, type: string, sensitive: true, doc: {en: Password, zh: 密码}}\n      - {name: DataDisks, in: body_root,",
        &["operation CreateInstance", "field", "at most one body_root"],
    );
    let errors = errors_after(
        "instance.yaml",
        "{name: DataDisks, in: body,",
        "{name: DataDisks, in: body_root,",
    );
    assert!(errors.is_empty(), "one body_root is fine: {errors:?}");
}

#[test]
fn response_fields_are_unique_and_only_named_types_flatten() {
    assert_rejected("instance.yaml", "      - {name: Data, type: TaskData, doc: {en: Task, zh: 任务}}", "      - {name: Data, type: TaskData, doc: {en: Task, zh: 任务}}\n      - {name: Data, type: string}", &["operation DescribeTask", "field Data", "listed twice"]);
    assert_rejected(
        "instance.yaml",
        "{name: TaskId, type: string, doc: {en: Task id, zh: 任务Id}}",
        "{name: TaskId, type: string, flatten: true}",
        &["operation CreateInstance", "field TaskId", "flattened"],
    );
}

#[test]
fn examples_must_be_json() {
    assert_rejected(
        "instance.yaml",
        "'{\"Code\": \"Success\", \"TaskId\": \"t-1\"}'",
        "'{\"Code\": Success}'",
        &["operation CreateInstance", "examples[0]", "not JSON"],
    );
}

#[test]
fn tasks_name_a_waiter_and_a_pointer() {
    assert_rejected(
        "instance.yaml",
        "task: {waiter: task, id: /TaskId}",
        "task: {waiter: job, id: /TaskId}",
        &[
            "operation CreateInstance",
            "field task",
            "no waiter named \"job\"",
        ],
    );
    assert_rejected(
        "instance.yaml",
        "task: {waiter: task, id: /TaskId}",
        "task: {waiter: task, id: TaskId}",
        &["operation CreateInstance", "field task.id", "JSON pointer"],
    );
}

#[test]
fn pagination_names_parameters() {
    assert_rejected(
        "instance.yaml",
        "paginate: {page: PageNumber",
        "paginate: {page: Page",
        &[
            "operation DescribeInstances",
            "field paginate",
            "Page is not a parameter",
        ],
    );
}

#[test]
fn types_are_unique_pascal_and_well_formed() {
    assert_rejected(
        "instance.yaml",
        "  TaskData:\n",
        "  taskData:\n",
        &["type taskData", "PascalCase"],
    );
    assert_rejected(
        "instance.yaml",
        "      - {name: Total, type: integer",
        "      - {name: Instances, type: integer",
        &["type InstancePage", "field Instances", "listed twice"],
    );
}

#[test]
fn one_resource_is_one_type() {
    assert_rejected(
        "instance.yaml",
        "  TaskData:\n    doc: {en: A task, zh: 任务}\n    fields:\n      - {name: Status, type: string, doc: {en: Status, zh: 状态}}\n",
        "  TaskData:\n    doc: {en: A task, zh: 任务}\n    fields:\n      - {name: Status, type: string, doc: {en: Status, zh: 状态}}\n  TaskCopy:\n    fields:\n      - {name: Status, type: string}\n",
        &["instance.yaml", "type TaskData", "field fields", "same fields as type TaskCopy"],
    );
}

#[test]
fn aliases_name_another_type_and_have_no_fields() {
    assert_rejected(
        "instance.yaml",
        "    alias: Instance\n",
        "    alias: Nothing\n",
        &["type Server", "field alias", "not another type"],
    );
    assert_rejected(
        "instance.yaml",
        "    alias: Instance\n",
        "    alias: Instance\n    fields:\n      - {name: X, type: string}\n",
        &["type Server", "field alias", "no fields"],
    );
}

#[test]
fn waiters_name_a_poller_and_its_parameters() {
    assert_rejected(
        "product.yaml",
        "poller: DescribeTask",
        "poller: DescribeJob",
        &[
            "product.yaml",
            "waiter task",
            "field poller",
            "no operation",
        ],
    );
    assert_rejected(
        "product.yaml",
        "id_param: TaskId",
        "id_param: JobId",
        &[
            "product.yaml",
            "waiter task",
            "field JobId",
            "not a parameter",
        ],
    );
}

// The resource model (`resources.yaml`): one negative test per rule (numbered as in
// `xtask::spec::resources::validate`).

/// A check of the fixture's instances by DescribeTask's `TaskId` (the fixture's only other
/// operation with a parameter), appended to the instance family's operations.
const CHECK: &str =
    "        set: {Status: running}\n      - {op: DescribeTask, kind: check, id: TaskId";

#[test]
fn r1_task_statuses_are_the_waiters_and_documented() {
    assert_rejected(
        "resources.yaml",
        "running: DOING",
        "running: FINISH",
        &["resources.yaml", "tasks", "running", "ends the wait"],
    );
    assert_rejected(
        "resources.yaml",
        "running: DOING",
        "running: DOING\n  finished: DONE",
        &["tasks", "finished", "DONE", "success values"],
    );
    assert_rejected(
        "resources.yaml",
        "running: DOING",
        "running: DOING\n  failed: OOPS",
        &["tasks", "failed", "OOPS", "failure values"],
    );
}

#[test]
fn r2_the_unknown_task_answer_is_documented_or_says_why() {
    assert_rejected(
        "resources.yaml",
        r#"unknown: {code: InvalidName.Malformed, why: "the fixture's poller documents no error"}"#,
        "unknown: {code: InvalidName.Malformed}",
        &["tasks", "unknown", "not documented by DescribeTask", "why"],
    );
}

#[test]
fn r3_family_codes_are_documented_and_fallbacks_say_why() {
    assert_rejected(
        "resources.yaml",
        "not_found: [InvalidName.Malformed]",
        "not_found: [NoSuchThing]",
        &[
            "family instance",
            "errors",
            "NoSuchThing",
            "documented by no operation",
        ],
    );
    assert_rejected(
        "resources.yaml",
        "      state: [\"20101\"]",
        "      state: [\"20101\"]\n      fallback: {code: Gone}",
        &["family instance", "errors", "fallback Gone", "`why`"],
    );
}

#[test]
fn r4_operations_that_name_records_resolve_their_errors() {
    assert_rejected(
        "resources.yaml",
        "        set: {Status: running}",
        &format!("{CHECK}}}"),
        &[
            "family instance",
            "op DescribeTask",
            "documents none",
            "`fallback`",
        ],
    );
    assert!(errors_after(
        "resources.yaml",
        "      state: [\"20101\"]",
        "      state: [\"20101\"]\n      fallback: {code: Gone, why: \"no document says\"}"
    )
    .is_empty());
    assert_rejected(
        "resources.yaml",
        "        set: {Status: running}",
        &format!("{CHECK}, from: [running], errors: {{not_found: InvalidName.Malformed}}}}"),
        &[
            "op DescribeTask",
            "errors",
            "InvalidName.Malformed is not documented by DescribeTask",
        ],
    );
}

#[test]
fn r5_preferred_codes_are_the_operations_own() {
    assert_rejected(
        "resources.yaml",
        "        set: {Status: running}",
        "        set: {Status: running}\n        errors: {not_found: \"20101\", state: Nope}",
        &[
            "op CreateInstance",
            "errors: Nope is not documented by CreateInstance",
        ],
    );
    assert_rejected(
        "resources.yaml",
        "        set: {Status: running}",
        "        set: {Status: running}\n        errors: {missing: \"20101\"}",
        &["op CreateInstance", "unknown role missing"],
    );
}

#[test]
fn r6_statuses_set_are_documented() {
    assert_rejected(
        "resources.yaml",
        "set: {Status: running}",
        "set: {Status: booting}",
        &[
            "family instance",
            "op CreateInstance",
            "booting",
            "not a documented status",
        ],
    );
}

#[test]
fn r7_an_embedding_names_a_family() {
    assert_rejected(
        "resources.yaml",
        "embed: {parent: instance,",
        "embed: {parent: vdc,",
        &["resources.yaml", "family disk", "embed", "vdc"],
    );
}

#[test]
fn r8_actions_name_operations_and_their_parameters() {
    assert_rejected(
        "resources.yaml",
        "op: DescribeInstances",
        "op: DescribeInstancez",
        &[
            "family instance",
            "op DescribeInstancez",
            "no such operation",
        ],
    );
    assert_rejected(
        "resources.yaml",
        "filters: {PageSize:",
        "filters: {Name:",
        &[
            "family instance",
            "op DescribeInstances",
            "Name is not a parameter",
        ],
    );
}

#[test]
fn r9_gets_lists_and_changes_name_what_they_need() {
    assert_rejected(
        "resources.yaml",
        "        set: {Status: running}",
        "        set: {Status: running}\n      - {op: DescribeTask, kind: get, id: TaskId}",
        &["family instance", "op DescribeTask", "`at`"],
    );
    assert_rejected(
        "resources.yaml",
        "        set: {Status: running}",
        "        set: {Status: running}\n      - {op: DescribeTask, kind: delete}",
        &["family instance", "op DescribeTask", "(`id`)"],
    );
    assert_rejected(
        "instance.yaml",
        "    paginate: {page: PageNumber, size: PageSize, items: /Data/Instances, total: /Data/Total}\n",
        "",
        &["family instance", "op DescribeInstances", "items pointer"],
    );
}

#[test]
fn r10_expressions_parse_and_references_have_refs() {
    assert_rejected(
        "resources.yaml",
        r#"Kind: "$Kind|standard""#,
        r#"Kind: "@colour""#,
        &[
            "op CreateInstance",
            "record Kind",
            "unknown generator @colour",
        ],
    );
    assert_rejected(
        "resources.yaml",
        r#"Kind: "$Kind|standard""#,
        r#"Kind: "$Sort""#,
        &[
            "op CreateInstance",
            "record Kind",
            "Sort is not a parameter",
        ],
    );
    assert_rejected(
        "resources.yaml",
        r#"Kind: "$Kind|standard""#,
        r#"Kind: "&Kind.Name""#,
        &["op CreateInstance", "&Kind has no `refs` entry"],
    );
    assert_rejected(
        "resources.yaml",
        "filters: {PageSize: \"~InstanceName\"}",
        "filters: {PageSize: \"~\"}",
        &["op DescribeInstances", "filter PageSize", "names no field"],
    );
}

#[test]
fn r11_an_operation_has_one_action() {
    assert_rejected(
        "resources.yaml",
        "    operations: []",
        "    operations:\n      - {op: DescribeInstances, kind: list}",
        &[
            "family disk",
            "op DescribeInstances",
            "also modelled by family instance",
        ],
    );
    assert_rejected(
        "resources.yaml",
        "unmodelled: []",
        "unmodelled: [{op: CreateInstance, why: \"x\"}]",
        &[
            "unmodelled CreateInstance",
            "also modelled by family instance",
        ],
    );
}

#[test]
fn r12_refs_and_blockers_name_families() {
    assert_rejected(
        "resources.yaml",
        "        set: {Status: running}",
        "        set: {Status: running}\n        refs: {Kind: vdc}",
        &["op CreateInstance", "refs Kind", "vdc is not a family"],
    );
    assert!(errors_after(
        "resources.yaml",
        "        set: {Status: running}",
        "        set: {Status: running}\n        refs: {Kind: network/vdc}",
    )
    .is_empty());
    assert_rejected(
        "resources.yaml",
        "        set: {Status: running}",
        &format!("{CHECK}, blocked_by: [{{family: gpn, link: Id}}]}}\n      - {{op: DescribeInstances, kind: list}}").replacen("\n      - {op: DescribeInstances, kind: list}", "", 1),
        &["op DescribeTask", "blocked_by gpn is not a family"],
    );
}

#[test]
fn r13_transitions_are_chosen_by_a_parameter_and_its_values() {
    assert_rejected(
        "resources.yaml",
        "        set: {Status: running}",
        "        set: {Status: running}\n        transitions: {standard: {set: {Status: running}}}",
        &["op CreateInstance", "transitions need `by`"],
    );
    assert_rejected(
        "resources.yaml",
        "        set: {Status: running}",
        "        set: {Status: running}\n        by: Kind\n        transitions: {huge: {set: {Status: running}}}",
        &["op CreateInstance", "transition huge is not a value of Kind", "standard, gpu"],
    );
}

#[test]
fn r14_children_are_embedded_and_made_from_a_parameter() {
    assert_rejected(
        "resources.yaml",
        "embed: {parent: instance, link: InstanceId, at: Disks}",
        "embed: {parent: disk, link: InstanceId, at: Disks}",
        &[
            "family instance",
            "op CreateInstance",
            "children disk is not a family embedded in instance",
        ],
    );
    assert_rejected(
        "resources.yaml",
        "each: DataDisks",
        "each: Disks",
        &["op CreateInstance", "Disks is not a parameter"],
    );
}

#[test]
fn r15_unmodelled_operations_exist_and_say_why() {
    assert_rejected(
        "resources.yaml",
        "unmodelled: []",
        "unmodelled: [{op: Reboot, why: \"no\"}]",
        &["unmodelled Reboot", "no such operation"],
    );
    assert_rejected(
        "resources.yaml",
        "unmodelled: []",
        "unmodelled: [{op: DescribeTask, why: \" \"}]",
        &["unmodelled DescribeTask", "`why`"],
    );
}

#[test]
fn a_misspelled_kind_fails_at_load_time() {
    assert_rejected(
        "resources.yaml",
        "kind: list",
        "kind: lists",
        &["resources.yaml", "unknown variant"],
    );
}
