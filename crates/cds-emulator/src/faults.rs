//! Fault rules: matched on line, operation and probability, answering a status, an error code,
//! a `Retry-After` and/or a latency; drawn from a seeded generator, so a run is reproducible.

use std::time::Duration;

/// A fault rule. Every request that matches `line` and `operation` (when set) draws a number;
/// with `probability` the rule fires.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    /// Product line (`ccs`, …); `None` matches every line.
    pub line: Option<String>,
    /// Operation name; `None` matches every operation.
    pub operation: Option<String>,
    /// Chance that a matching request is hit, 0.0 to 1.0.
    pub probability: f64,
    /// HTTP status answered; `None` answers normally (after the latency).
    pub status: Option<u16>,
    /// Error code in the line's envelope (default `InjectedFault`).
    pub code: Option<String>,
    /// `Retry-After` header, in seconds.
    pub retry_after: Option<u64>,
    /// Wait this long before answering.
    pub latency: Option<Duration>,
}

impl FaultRule {
    /// Parses `line=ccs,op=CreateInstance,p=0.5,status=503,code=ServiceUnavailable,retry-after=2,latency=100ms`
    /// (every key optional; `p` defaults to 1).
    pub fn parse(text: &str) -> Result<FaultRule, String> {
        let mut rule = FaultRule {
            line: None,
            operation: None,
            probability: 1.0,
            status: None,
            code: None,
            retry_after: None,
            latency: None,
        };
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("fault rule part {part:?} is not key=value"))?;
            let bad = |what: &str| format!("fault rule: {k}={v:?} is not {what}");
            match k {
                "line" => rule.line = Some(v.to_string()),
                "op" | "operation" => rule.operation = Some(v.to_string()),
                "p" | "probability" => {
                    rule.probability = v
                        .parse::<f64>()
                        .ok()
                        .filter(|p| (0.0..=1.0).contains(p))
                        .ok_or_else(|| bad("a probability between 0 and 1"))?
                }
                "status" => {
                    rule.status = Some(
                        v.parse::<u16>()
                            .ok()
                            .filter(|s| (100..600).contains(s))
                            .ok_or_else(|| bad("an HTTP status"))?,
                    )
                }
                "code" => rule.code = Some(v.to_string()),
                "retry-after" | "retry_after" => {
                    rule.retry_after = Some(v.parse().map_err(|_| bad("a number of seconds"))?)
                }
                "latency" => {
                    rule.latency = Some(parse_duration(v).ok_or_else(|| bad("a duration"))?)
                }
                _ => return Err(format!("fault rule: unknown key {k:?}")),
            }
        }
        Ok(rule)
    }

    /// Whether the rule concerns `line` / `operation` (before the draw).
    pub fn matches(&self, line: &str, operation: &str) -> bool {
        self.line.as_deref().is_none_or(|l| l == line)
            && self.operation.as_deref().is_none_or(|o| o == operation)
    }
}

/// `250ms`, `2s`, `1m` or a bare number of milliseconds.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let t = text.trim();
    let (num, unit) = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map(|i| t.split_at(i))
        .unwrap_or((t, "ms"));
    let n: f64 = num
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite() && *n >= 0.0)?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        _ => return None,
    };
    Some(Duration::from_secs_f64(secs))
}

/// A small seeded generator (SplitMix64): the same seed draws the same sequence.
#[derive(Debug, Clone)]
pub struct Draw(u64);

impl Draw {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Draw {
        Draw(seed)
    }

    /// A number in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rules_and_rejects_bad_ones() {
        let r = FaultRule::parse(
            "line=ccs,op=CreateInstance,p=0.25,status=503,code=Busy,retry-after=2,latency=150ms",
        )
        .unwrap();
        assert_eq!(r.line.as_deref(), Some("ccs"));
        assert_eq!(r.operation.as_deref(), Some("CreateInstance"));
        assert_eq!(r.probability, 0.25);
        assert_eq!(r.status, Some(503));
        assert_eq!(r.retry_after, Some(2));
        assert_eq!(r.latency, Some(Duration::from_millis(150)));
        assert!(r.matches("ccs", "CreateInstance") && !r.matches("vpc", "CreateInstance"));
        assert!(FaultRule::parse("p=2").is_err());
        assert!(FaultRule::parse("status=42").is_err());
        assert!(FaultRule::parse("colour=red").is_err());
        assert_eq!(parse_duration("2s"), Some(Duration::from_secs(2)));
        assert_eq!(parse_duration("5"), Some(Duration::from_millis(5)));
    }

    #[test]
    fn draws_are_reproducible() {
        let a: Vec<f64> = {
            let mut d = Draw::new(3);
            (0..5).map(|_| d.next_f64()).collect()
        };
        let b: Vec<f64> = {
            let mut d = Draw::new(3);
            (0..5).map(|_| d.next_f64()).collect()
        };
        assert_eq!(a, b);
        assert!(a.iter().all(|x| (0.0..1.0).contains(x)));
        let mut c = Draw::new(4);
        assert_ne!(a[0], c.next_f64());
    }
}
