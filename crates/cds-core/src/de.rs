//! Decoding of generated response types: lenient scalars and field-by-field structs.
//!
//! The services sometimes send numbers as strings and the reverse (`"Cpu": "4"`, `"Id": 12`).
//! Generated types decode scalar fields with [`lenient`] (or [`lenient_vec`] for lists of
//! scalars) so that either form decodes; `null` and `""` decode to `None` for non-string types.
//!
//! Generated output structs implement [`Fields`] (one `match` on the wire name per struct) and
//! get their `Deserialize` from [`impl_deserialize!`](crate::impl_deserialize). Compared with
//! `#[derive(Deserialize)]` plus a `deserialize_with` attribute per field, this compiles to a
//! fraction of the code, decodes a repeated key as the last value wins (as `serde_json::Value`
//! does), accepts `null`, `""` and `[]` for an empty object, and names the field in errors.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A scalar as it arrived on the wire.
#[derive(Debug)]
pub enum Scalar {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A negative or small integer.
    Int(i64),
    /// A large unsigned integer.
    UInt(u64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(String),
}

/// Conversion of a [`Scalar`] into a Rust scalar, leniently.
pub trait FromScalar: Sized {
    /// `Ok(None)` for "no value"; `Err` with a description when the value cannot be this type.
    fn from_scalar(s: Scalar) -> Result<Option<Self>, String>;
}

impl FromScalar for String {
    fn from_scalar(s: Scalar) -> Result<Option<Self>, String> {
        Ok(match s {
            Scalar::Null => None,
            Scalar::Bool(b) => Some(b.to_string()),
            Scalar::Int(i) => Some(i.to_string()),
            Scalar::UInt(u) => Some(u.to_string()),
            Scalar::Float(f) => Some(f.to_string()),
            Scalar::Str(s) => Some(s),
        })
    }
}

impl FromScalar for i64 {
    fn from_scalar(s: Scalar) -> Result<Option<Self>, String> {
        match s {
            Scalar::Null => Ok(None),
            Scalar::Bool(b) => Ok(Some(i64::from(b))),
            Scalar::Int(i) => Ok(Some(i)),
            Scalar::UInt(u) => i64::try_from(u)
                .map(Some)
                .map_err(|_| format!("integer {u} out of range")),
            Scalar::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
            Scalar::Float(f) => Err(format!("expected an integer, found {f}")),
            Scalar::Str(s) => {
                let t = s.trim();
                if t.is_empty() {
                    return Ok(None);
                }
                if let Ok(i) = t.parse::<i64>() {
                    return Ok(Some(i));
                }
                match t.parse::<f64>() {
                    Ok(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
                    _ => Err(format!("expected an integer, found {s:?}")),
                }
            }
        }
    }
}

impl FromScalar for f64 {
    fn from_scalar(s: Scalar) -> Result<Option<Self>, String> {
        match s {
            Scalar::Null => Ok(None),
            Scalar::Bool(b) => Ok(Some(if b { 1.0 } else { 0.0 })),
            Scalar::Int(i) => Ok(Some(i as f64)),
            Scalar::UInt(u) => Ok(Some(u as f64)),
            Scalar::Float(f) => Ok(Some(f)),
            Scalar::Str(s) if s.trim().is_empty() => Ok(None),
            Scalar::Str(s) => s
                .trim()
                .parse::<f64>()
                .map(Some)
                .map_err(|_| format!("expected a number, found {s:?}")),
        }
    }
}

impl FromScalar for bool {
    fn from_scalar(s: Scalar) -> Result<Option<Self>, String> {
        match s {
            Scalar::Null => Ok(None),
            Scalar::Bool(b) => Ok(Some(b)),
            Scalar::Int(i) => Ok(Some(i != 0)),
            Scalar::UInt(u) => Ok(Some(u != 0)),
            Scalar::Float(f) => Ok(Some(f != 0.0)),
            Scalar::Str(s) => match s.trim().to_ascii_lowercase().as_str() {
                "" => Ok(None),
                "true" | "1" | "yes" => Ok(Some(true)),
                "false" | "0" | "no" => Ok(Some(false)),
                _ => Err(format!("expected a boolean, found {s:?}")),
            },
        }
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number, boolean or null")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(i64::try_from(v).map_or(Scalar::UInt(v), Scalar::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Str(v))
    }
    fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(self)
    }
}

/// Deserializes an optional scalar leniently (see the module docs).
pub fn lenient<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromScalar,
{
    let scalar = deserializer.deserialize_any(ScalarVisitor)?;
    T::from_scalar(scalar).map_err(de::Error::custom)
}

struct SeqVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: FromScalar> Visitor<'de> for SeqVisitor<T> {
    type Value = Option<Vec<T>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of scalars or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(scalar) = seq.next_element_seed(ScalarSeed)? {
            if let Some(v) = T::from_scalar(scalar).map_err(de::Error::custom)? {
                out.push(v);
            }
        }
        Ok(Some(out))
    }
}

struct ScalarSeed;

impl<'de> de::DeserializeSeed<'de> for ScalarSeed {
    type Value = Scalar;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

/// Deserializes an optional list of scalars, each element leniently.
pub fn lenient_vec<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: FromScalar,
{
    deserializer.deserialize_any(SeqVisitor(std::marker::PhantomData))
}

/// Deserializes a list that some answers give as a single element: a JSON list decodes
/// element by element, a lone object as a list of one, `null` as `None` and a blank string as
/// the empty list (the documents type such fields `string`). Used for the fields whose
/// examples disagree (the spec's `one_or_list`).
pub fn one_or_many<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: de::Deserialize<'de>,
{
    deserializer.deserialize_any(OneOrManyVisitor(PhantomData))
}

struct OneOrManyVisitor<T>(PhantomData<T>);

impl<'de, T: de::Deserialize<'de>> Visitor<'de> for OneOrManyVisitor<T> {
    type Value = Option<Vec<T>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list, a single object or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.trim().is_empty() {
            Ok(Some(Vec::new()))
        } else {
            Err(E::invalid_type(de::Unexpected::Str(v), &self))
        }
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element()? {
            out.push(item);
        }
        Ok(Some(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let one = T::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(Some(vec![one]))
    }
}

/// A struct decoded one field at a time: generated output types implement it with a `match`
/// on the wire name, and [`impl_deserialize!`](crate::impl_deserialize) gives them
/// `Deserialize` through [`FieldsVisitor`].
pub trait Fields: Default {
    /// The type's name, for error messages.
    const NAME: &'static str;

    /// Decodes the value of the member `key` from `value` into `self`; an unknown key is
    /// skipped (with [`skip`]).
    fn field<'de, D: Deserializer<'de>>(&mut self, key: &str, value: D) -> Result<(), D::Error>;
}

/// An untyped object: every member is kept (a repeated key keeps its last value).
impl Fields for serde_json::Value {
    const NAME: &'static str = "object";
    fn field<'de, D: Deserializer<'de>>(&mut self, key: &str, value: D) -> Result<(), D::Error> {
        let value: serde_json::Value = de::Deserialize::deserialize(value)?;
        if !self.is_object() {
            *self = serde_json::Value::Object(serde_json::Map::new());
        }
        if let serde_json::Value::Object(map) = self {
            map.insert(key.to_string(), value);
        }
        Ok(())
    }
}

/// Skips a value nobody asked for, without allocating.
pub fn skip<'de, D: Deserializer<'de>>(value: D) -> Result<(), D::Error> {
    de::Deserialize::deserialize(value).map(|IgnoredAny| ())
}

/// Decodes a value with its own `Deserialize` (nested structs, maps, `serde_json::Value`),
/// `null` as `None`.
pub fn nested<'de, D, T>(value: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: de::Deserialize<'de>,
{
    de::Deserialize::deserialize(value)
}

/// Visits a JSON object as a [`Fields`] struct: `null`, `""` and `[]` are the empty struct.
pub struct FieldsVisitor<T>(PhantomData<T>);

impl<T> FieldsVisitor<T> {
    /// A visitor producing `T`.
    pub fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T> Default for FieldsVisitor<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'de, T: Fields> Visitor<'de> for FieldsVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON object ({})", T::NAME)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut out = T::default();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            map.next_value_seed(FieldSeed {
                out: &mut out,
                key: &key,
            })?;
        }
        Ok(out)
    }
    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Ok(T::default())
    }
    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        Ok(T::default())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        if v.trim().is_empty() {
            Ok(T::default())
        } else {
            Err(de::Error::invalid_type(de::Unexpected::Str(v), &self))
        }
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        match seq.next_element::<IgnoredAny>()? {
            None => Ok(T::default()),
            Some(_) => Err(de::Error::invalid_type(de::Unexpected::Seq, &self)),
        }
    }
}

/// Hands one member's value to [`Fields::field`], naming the member in an error.
pub struct FieldSeed<'a, T> {
    /// The struct being filled.
    pub out: &'a mut T,
    /// The member's wire name.
    pub key: &'a str,
}

impl<'de, T: Fields> DeserializeSeed<'de> for FieldSeed<'_, T> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, value: D) -> Result<(), D::Error> {
        let key = self.key;
        self.out
            .field(key, value)
            .map_err(|e| de::Error::custom(format_args!("{}.{key}: {e}", T::NAME)))
    }
}

/// Reads a map key, borrowing it from the input when it has no escapes.
pub struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// Implements `serde::Deserialize` for [`Fields`] types (generated output structs).
#[macro_export]
macro_rules! impl_deserialize {
    ($($t:ty),* $(,)?) => {$(
        impl<'de> $crate::__private::serde::Deserialize<'de> for $t {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                deserializer.deserialize_any($crate::de::FieldsVisitor::<Self>::new())
            }
        }
    )*};
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    struct T {
        #[serde(default, deserialize_with = "lenient")]
        i: Option<i64>,
        #[serde(default, deserialize_with = "lenient")]
        s: Option<String>,
        #[serde(default, deserialize_with = "lenient")]
        f: Option<f64>,
        #[serde(default, deserialize_with = "lenient")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "lenient_vec")]
        v: Option<Vec<i64>>,
    }

    #[test]
    fn numbers_and_strings_decode_either_way() {
        let t: T =
            serde_json::from_str(r#"{"i":"42","s":7,"f":"1.5","b":"true","v":["1",2]}"#).unwrap();
        assert_eq!(t.i, Some(42));
        assert_eq!(t.s.as_deref(), Some("7"));
        assert_eq!(t.f, Some(1.5));
        assert_eq!(t.b, Some(true));
        assert_eq!(t.v, Some(vec![1, 2]));
        let t: T = serde_json::from_str(r#"{"i":"","s":null,"v":null}"#).unwrap();
        assert_eq!((t.i, t.s, t.v), (None, None, None));
        let t: T = serde_json::from_str(r#"{}"#).unwrap();
        assert!(t.i.is_none() && t.b.is_none());
    }

    #[test]
    fn wrong_shapes_are_errors() {
        assert!(serde_json::from_str::<T>(r#"{"i":"abc"}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"i":1.5}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"i":{}}"#).is_err());
    }

    #[test]
    fn decodes_from_a_borrowed_value() {
        let v = serde_json::json!({"i": 3, "s": "x"});
        let t = T::deserialize(&v).unwrap();
        assert_eq!(t.i, Some(3));
    }
}
