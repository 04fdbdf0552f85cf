//! Encoding of generated response types (with a line crate's `serde-serialize` feature).
//!
//! Output types are decoded by [`crate::de::Fields`]; re-encoding them (to store or show a
//! decoded answer) is optional, so that a consumer who only reads answers compiles no
//! serializers. With the feature, generated types implement [`Entries`] and get `Serialize`
//! from [`impl_serialize!`](crate::impl_serialize); `None` fields are left out.

use serde::ser::SerializeMap;
use serde::Serialize;

/// A struct encoded as the members of a JSON object (flattened members included).
pub trait Entries {
    /// Writes this struct's members into `map`.
    fn entries<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error>;
}

/// Writes `key: value` when `value` is `Some`.
pub fn entry<M: SerializeMap, T: Serialize>(
    map: &mut M,
    key: &'static str,
    value: &Option<T>,
) -> Result<(), M::Error> {
    match value {
        Some(value) => map.serialize_entry(key, value),
        None => Ok(()),
    }
}

/// Writes a number when set; a value that JSON cannot carry (NaN, ±∞) is an error naming the
/// member, never a silent `null`.
pub fn number<M: SerializeMap>(
    map: &mut M,
    key: &'static str,
    value: &Option<f64>,
) -> Result<(), M::Error> {
    numbers(map, key, &value.map(|v| [v]))?;
    match value {
        Some(v) => map.serialize_entry(key, v),
        None => Ok(()),
    }
}

/// Writes a list of numbers when set (see [`number`]: NaN and ±∞ are errors).
pub fn numbers<M: SerializeMap, L: AsRef<[f64]>>(
    map: &mut M,
    key: &'static str,
    values: &Option<L>,
) -> Result<(), M::Error> {
    let Some(values) = values else {
        return Ok(());
    };
    if let Some(bad) = values.as_ref().iter().find(|v| !v.is_finite()) {
        return Err(serde::ser::Error::custom(format!(
            "{key} is {bad}, which JSON cannot carry"
        )));
    }
    Ok(())
}

/// [`numbers`] for a list field: checks, then writes it.
pub fn number_list<M: SerializeMap>(
    map: &mut M,
    key: &'static str,
    values: &Option<Vec<f64>>,
) -> Result<(), M::Error> {
    numbers(map, key, values)?;
    entry(map, key, values)
}

/// Implements `serde::Serialize` for [`Entries`] types (generated output structs).
#[macro_export]
macro_rules! impl_serialize {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::__private::serde::Serialize for $t {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                use $crate::__private::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(None)?;
                $crate::ser::Entries::entries(self, &mut map)?;
                map.end()
            }
        }
    )*};
}
