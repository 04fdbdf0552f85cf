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

// The resource model (`resources.yaml`): one negative test per rule.

#[test]
fn a_not_found_code_is_documented_or_says_why() {
    assert_rejected(
        "resources.yaml",
        "code: InvalidName.Malformed",
        "code: NoSuchThing",
        &[
            "resources.yaml",
            "family instance",
            "not_found",
            "undocumented",
        ],
    );
    assert!(errors_after(
        "resources.yaml",
        "code: InvalidName.Malformed, http: 400,",
        "code: NoSuchThing, http: 400, undocumented: \"the documents give none\","
    )
    .is_empty());
}

#[test]
fn an_embedding_names_a_family() {
    assert_rejected(
        "resources.yaml",
        "    id_prefix: ins-",
        "    id_prefix: ins-\n    embed: {parent: vdc, link: VdcId, field: Instances}",
        &["resources.yaml", "family instance", "embed", "vdc"],
    );
}

#[test]
fn actions_name_operations_and_their_parameters() {
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
        "fields: {InstanceName: InstanceName}",
        "fields: {Name: InstanceName}",
        &[
            "family instance",
            "op CreateInstance",
            "Name is not a parameter",
        ],
    );
}

#[test]
fn gets_and_changes_name_the_id_and_gets_the_record() {
    assert_rejected(
        "resources.yaml",
        "        set: {Status: running}",
        "        set: {Status: running}\n      - op: DescribeTask\n        kind: get\n        id: TaskId",
        &["family instance", "op DescribeTask", "`at`"],
    );
    assert_rejected(
        "resources.yaml",
        "        set: {Status: running}",
        "        set: {Status: running}\n      - op: CreateInstance\n        kind: delete",
        &["family instance", "op CreateInstance", "(`id`)"],
    );
}

#[test]
fn a_list_has_an_items_pointer() {
    assert_rejected(
        "instance.yaml",
        "    paginate: {page: PageNumber, size: PageSize, items: /Data/Instances, total: /Data/Total}\n",
        "",
        &["family instance", "op DescribeInstances", "items pointer"],
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
