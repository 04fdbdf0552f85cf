//! The secret never appears in Debug output, logs or error messages.

use std::io::Write;
use std::sync::{Arc, Mutex};

const SECRET: &str = "SuperSecretKeyMaterial-42";
const PASSWORD: &str = "Hunter2-Password!";
const TOKEN: &str = "bearer-token-value-9876";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn debug_output_redacts_secrets() {
    let config = cds_core::Config::builder()
        .credentials(cds_core::Credentials::new("AKID", SECRET))
        .bearer_token(TOKEN)
        .build()
        .expect("config");
    let client = cds_ccs::Client::new(&config);
    let request = client
        .create_instance()
        .password(PASSWORD)
        .instance_name("web");
    let shown = format!("{config:?} {client:?} {request:?} {:#?}", request.input());
    for secret in [SECRET, PASSWORD, TOKEN] {
        assert!(!shown.contains(secret), "{secret} leaked into Debug output");
    }
    assert!(shown.contains("web"), "non-secret fields stay visible");
    assert!(shown.contains("[REDACTED]"));
}

#[tokio::test]
async fn logs_and_errors_never_contain_the_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emulator = cds_emulator::Emulator::start(&[&cds_ccs::meta::LINE])
        .await
        .expect("emulator");
    // Wrong secret: the emulator rejects the signature, the error must not echo the secret.
    let config = emulator
        .config_builder()
        .credentials(cds_core::Credentials::new(
            cds_emulator::ACCESS_KEY_ID,
            SECRET,
        ))
        .build()
        .expect("config");
    let client = cds_ccs::Client::new(&config);
    let err = client
        .create_instance()
        .region_id("CN_Beijing_A")
        .vdc_id("vdc")
        .password(PASSWORD)
        .instance_name("web")
        .cpu(1)
        .ram(1)
        .instance_type("Standard")
        .image_id("img")
        .send()
        .await
        .expect_err("the emulator rejects a wrong secret");
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    let text = format!("{err} {err:?}");
    let logs = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("utf8");
    assert!(
        logs.contains("cds.call"),
        "a span per call is logged: {logs}"
    );
    for secret in [SECRET, PASSWORD] {
        assert!(!text.contains(secret), "{secret} leaked into the error");
        assert!(!logs.contains(secret), "{secret} leaked into the logs");
    }
}
