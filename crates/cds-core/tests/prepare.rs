//! `ServiceClient::prepare`: the request a call would send, built without I/O, and shown with
//! every secret redacted.

use cds_core::auth::{AuthAdditions, AuthRequest, Authenticate};
use cds_core::operation::{
    AuthScheme, Envelope, Host, Location, Method, Operation, Param, Protocol, Service, Shape,
};
use cds_core::{Config, Credentials, Error, ServiceClient};
use serde_json::json;

const ENVELOPE: Envelope = Envelope {
    code: "Code",
    success: &["Success"],
    message: "Message",
    request_id: Some("RequestId"),
    data: "Data",
};

static RPC: Service = Service {
    product: "rpcline",
    protocol: Protocol::Rpc {
        version: "2019-08-08",
    },
    auth: AuthScheme::HmacSha1,
    host: Host::Cdsapi,
    path: "/ccs",
    envelope: ENVELOPE,
    region_header: None,
    sensitive_fields: &["Password", "UserData"],
};

static REST: Service = Service {
    product: "restline",
    protocol: Protocol::Rest,
    auth: AuthScheme::Pluggable,
    host: Host::Endpoint,
    path: "",
    envelope: ENVELOPE,
    region_header: Some("x-regionid"),
    sensitive_fields: &["adminPass"],
};

const fn param(name: &'static str, location: Location, required: bool) -> Param {
    Param {
        name,
        location,
        required,
        shape: Shape::String,
        sensitive: false,
        deprecated: None,
        undocumented: None,
    }
}

static GET_OP: Operation = Operation {
    name: "ResetThing",
    method: Method::Get,
    path: None,
    host: None,
    read: false,
    params: &[
        param("ThingId", Location::Query, true),
        param("Password", Location::Query, false),
    ],
    binary_response: false,
    output: &cds_core::operation::EMPTY_OUTPUT,
    task: None,
    pagination: None,
    websocket: false,
    deprecated: None,
};

static POST_OP: Operation = Operation {
    name: "CreateThing",
    method: Method::Post,
    path: None,
    host: Some(Host::Api),
    read: false,
    params: &[
        param("Name", Location::Body, true),
        param("Password", Location::Body, false),
        param("UserData", Location::Body, false),
    ],
    binary_response: false,
    output: &cds_core::operation::EMPTY_OUTPUT,
    task: None,
    pagination: None,
    websocket: false,
    deprecated: None,
};

static REST_OP: Operation = Operation {
    name: "RebuildServer",
    method: Method::Post,
    path: Some("/api/ecs/v1/instances/{ecsId}/rebuild"),
    host: None,
    read: false,
    params: &[
        param("ecsId", Location::Path, true),
        param("adminPass", Location::Body, false),
        param("dryRun", Location::Query, false),
    ],
    binary_response: false,
    output: &cds_core::operation::EMPTY_OUTPUT,
    task: None,
    pagination: None,
    websocket: false,
    deprecated: None,
};

struct TokenHeader;

impl Authenticate for TokenHeader {
    fn authenticate(&self, _request: &AuthRequest<'_>) -> AuthAdditions {
        AuthAdditions::new().header("X-Auth-Token", "tok-very-secret")
    }
}

fn rpc_client() -> ServiceClient {
    let config = Config::builder()
        .credentials(Credentials::new("AKID-visible", "the-secret-key"))
        .build()
        .expect("config");
    ServiceClient::new(&config, &RPC)
}

#[test]
fn an_rpc_get_is_signed_into_the_url_and_shown_without_secrets() {
    let prepared = rpc_client()
        .prepare_value(&GET_OP, json!({"ThingId": "t=1&x", "Password": "hunter2!"}))
        .expect("prepared");
    assert_eq!(prepared.method, "GET");
    assert!(prepared
        .url
        .starts_with("https://cdsapi.capitalonline.net/ccs/?"));
    assert!(prepared.body.is_none());
    let sent = prepared.query_pairs();
    let get = |name: &str| {
        sent.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("ThingId"), Some("t=1&x"), "a value arrives whole");
    assert_eq!(get("Action"), Some("ResetThing"));
    assert_eq!(get("AccessKeyId"), Some("AKID-visible"));
    assert_eq!(get("Password"), Some("hunter2!"));
    assert!(get("Signature").is_some_and(|s| s.len() == 28));
    assert!(get("SignatureNonce").is_some());

    let shown = prepared.to_string();
    let debug = format!("{prepared:?}");
    for text in [&shown, &debug] {
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!text.contains("the-secret-key"), "{text}");
        assert!(!text.contains(get("Signature").unwrap_or("?")), "{text}");
        assert!(
            text.contains("Password=[REDACTED]") && text.contains("Signature=[REDACTED]"),
            "{text}"
        );
        assert!(
            text.contains("ThingId=t%3D1%26x"),
            "the rest is shown: {text}"
        );
    }
    assert!(shown.starts_with("GET https://cdsapi.capitalonline.net/ccs/?"));
}

#[test]
fn an_rpc_post_carries_a_json_body_and_redacts_sensitive_members() {
    let prepared = rpc_client()
        .prepare_value(
            &POST_OP,
            json!({"Name": "web", "Password": "p@ss", "UserData": "IyEvYmluL3No"}),
        )
        .expect("prepared");
    assert_eq!(prepared.method, "POST");
    assert!(
        prepared
            .url
            .starts_with("https://api.capitalonline.net/ccs/?"),
        "the operation's host: {}",
        prepared.url
    );
    let body: serde_json::Value =
        serde_json::from_slice(prepared.body.as_deref().expect("a body")).expect("json");
    assert_eq!(
        body,
        json!({"Name": "web", "Password": "p@ss", "UserData": "IyEvYmluL3No"})
    );
    let shown = prepared.to_string();
    assert!(
        !shown.contains("p@ss") && !shown.contains("IyEvYmluL3No"),
        "{shown}"
    );
    assert!(shown.contains(r#""Name":"web""#), "{shown}");
    assert!(shown.contains("content-type: application/json"), "{shown}");
}

#[test]
fn a_rest_request_shows_the_authenticator_header_redacted() {
    let config = Config::builder()
        .endpoint("https://ecs.example.com")
        .region_id("region-1")
        .authenticator(TokenHeader)
        .build()
        .expect("config");
    let prepared = ServiceClient::new(&config, &REST)
        .prepare_value(
            &REST_OP,
            json!({"ecsId": "i/1 2", "adminPass": "root-pw", "dryRun": "true"}),
        )
        .expect("prepared");
    assert_eq!(
        prepared.url,
        "https://ecs.example.com/api/ecs/v1/instances/i%2F1%202/rebuild?dryRun=true"
    );
    let header = |name: &str| {
        prepared
            .headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(header("X-Auth-Token").as_deref(), Some("tok-very-secret"));
    assert_eq!(header("x-regionid").as_deref(), Some("region-1"));
    let shown = prepared.to_string();
    assert!(shown.contains("X-Auth-Token: [REDACTED]"), "{shown}");
    assert!(shown.contains("x-regionid: region-1"), "{shown}");
    assert!(
        !shown.contains("tok-very-secret") && !shown.contains("root-pw"),
        "{shown}"
    );
}

#[test]
fn a_bearer_token_is_sent_and_never_shown() {
    static BEARER: Service = Service {
        auth: AuthScheme::Bearer,
        ..REST
    };
    let config = Config::builder()
        .endpoint("https://bridgx.example.com")
        .bearer_token("bearer-secret-xyz")
        .build()
        .expect("config");
    let prepared = ServiceClient::new(&config, &BEARER)
        .prepare_value(&REST_OP, json!({"ecsId": "i-1"}))
        .expect("prepared");
    assert!(prepared
        .headers
        .contains(&("Authorization".into(), "Bearer bearer-secret-xyz".into())));
    assert!(!prepared.to_string().contains("bearer-secret-xyz"));
    assert!(!format!("{prepared:?}").contains("bearer-secret-xyz"));
}

#[test]
fn what_a_call_would_refuse_prepare_refuses_without_io() {
    let missing = rpc_client()
        .prepare_value(&GET_OP, json!({"Password": "x"}))
        .unwrap_err();
    assert!(matches!(
        missing,
        Error::MissingParameter {
            parameter: "ThingId",
            ..
        }
    ));
    let unauthenticated = ServiceClient::new(&Config::builder().build().expect("config"), &RPC)
        .prepare_value(&GET_OP, json!({"ThingId": "t"}))
        .unwrap_err();
    assert!(
        matches!(unauthenticated, Error::Config { .. }),
        "{unauthenticated}"
    );
    let no_endpoint = ServiceClient::new(
        &Config::builder()
            .authenticator(TokenHeader)
            .build()
            .expect("config"),
        &REST,
    )
    .prepare_value(&REST_OP, json!({"ecsId": "i"}))
    .unwrap_err();
    assert!(
        no_endpoint.to_string().contains("endpoint"),
        "{no_endpoint}"
    );
    // Each REST scheme without its own secret is refused by name, even when another
    // scheme's secret is configured.
    static BEARER_LINE: Service = Service {
        auth: AuthScheme::Bearer,
        ..REST
    };
    static HMAC_REST_LINE: Service = Service {
        auth: AuthScheme::HmacSha1,
        ..REST
    };
    let with_authenticator = Config::builder()
        .endpoint("https://e.example.com")
        .authenticator(TokenHeader)
        .build()
        .expect("config");
    let with_bearer = Config::builder()
        .endpoint("https://e.example.com")
        .bearer_token("tok")
        .build()
        .expect("config");
    for (config, line, named) in [
        (&with_authenticator, &BEARER_LINE, "bearer token"),
        (&with_bearer, &REST, "authenticator"),
        (&with_bearer, &HMAC_REST_LINE, "authenticator"),
    ] {
        let refused = ServiceClient::new(config, line)
            .prepare_value(&REST_OP, json!({"ecsId": "i"}))
            .unwrap_err();
        assert!(
            matches!(refused, Error::Config { .. }) && refused.to_string().contains(named),
            "{named}: {refused}"
        );
    }
    let dots = ServiceClient::new(
        &Config::builder()
            .endpoint("https://e.example.com")
            .authenticator(TokenHeader)
            .build()
            .expect("config"),
        &REST,
    )
    .prepare_value(&REST_OP, json!({"ecsId": ".."}))
    .unwrap_err();
    assert!(matches!(dots, Error::InvalidParameter { .. }), "{dots}");
}

#[test]
fn every_attempt_is_signed_anew() {
    let client = rpc_client();
    let a = client
        .prepare_value(&GET_OP, json!({"ThingId": "t"}))
        .expect("a");
    let b = client
        .prepare_value(&GET_OP, json!({"ThingId": "t"}))
        .expect("b");
    let nonce = |p: &cds_core::PreparedRequest| {
        p.query_pairs()
            .into_iter()
            .find(|(k, _)| k == "SignatureNonce")
            .map(|(_, v)| v)
    };
    assert_ne!(nonce(&a), nonce(&b));
    assert_ne!(a.url, b.url);
}
