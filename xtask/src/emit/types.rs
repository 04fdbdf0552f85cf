//! Generated structs (with builders and required-field checks for what is sent) and enums.

use crate::docs;
use crate::names::{self, ident};
use crate::roles::Roles;
use crate::spec::{EnumDef, Field, Line, TypeDef};
use crate::typeref::TypeRef;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// What the generator needs to know about a line's types.
pub struct Types<'a> {
    /// Enums by name.
    pub enums: BTreeMap<&'a str, &'a EnumDef>,
    /// Named types by name.
    pub defs: BTreeMap<&'a str, &'a TypeDef>,
    /// Their uses.
    pub roles: Roles,
}

impl<'a> Types<'a> {
    /// The types of `line`.
    pub fn of(line: &'a Line) -> Self {
        Types {
            enums: line.enums(),
            defs: line.types(),
            roles: Roles::of(line),
        }
    }

    fn is_enum(&self, t: &TypeRef) -> bool {
        matches!(t, TypeRef::Named(n) if self.enums.contains_key(n.as_str()))
    }

    /// Whether a value of this type decodes leniently as a scalar (scalars and enums).
    fn lenient_scalar(&self, t: &TypeRef) -> bool {
        t.is_scalar() || self.is_enum(t)
    }
}

/// The Rust type of a spec type.
pub fn rust_type(t: &TypeRef) -> TokenStream {
    match t {
        TypeRef::String => quote!(String),
        TypeRef::Integer => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Any => quote!(serde_json::Value),
        TypeRef::Named(n) => {
            let id = format_ident!("{}", n);
            quote!(#id)
        }
        TypeRef::List(inner) => {
            let inner = rust_type(inner);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(inner);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
    }
}

/// Whether a field holds a secret: declared `sensitive: true` in the spec, or named like one
/// (a safety net for fields the spec has not marked yet).
pub fn is_sensitive(field: &Field) -> bool {
    let l = field.name.to_ascii_lowercase();
    field.sensitive
        || (["password", "passwd", "secret", "token", "pwd"]
            .iter()
            .any(|s| l.contains(s))
            && !l.contains("expire"))
}

/// One field of a generated struct.
pub struct StructField {
    /// Rust name (without `r#`).
    pub rust: String,
    /// Spec field.
    pub field: Field,
    /// Parsed type.
    pub ty: TypeRef,
}

/// Rust names for a list of fields (snake_case, deduplicated).
pub fn struct_fields(fields: &[Field]) -> Vec<StructField> {
    let rust = names::dedupe(fields.iter().map(|f| names::snake(&f.name)).collect());
    fields
        .iter()
        .zip(rust)
        .map(|(f, rust)| StructField {
            rust,
            ty: TypeRef::parse(&f.ty).unwrap_or(TypeRef::Any),
            field: f.clone(),
        })
        .collect()
}

/// How a struct travels: sent (serialized, built by users), received (deserialized), or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Role {
    /// Sent in a request.
    pub input: bool,
    /// Received in a response.
    pub output: bool,
    /// Has required fields, directly or nested: its builder's `build()` returns a `Result` and
    /// it implements `cds_core::validate::Validate`.
    pub checked: bool,
}

/// A struct with all-optional fields (flattened ones excepted), its `Debug` (secrets redacted),
/// and, for types that are sent, a builder and a required-field check.
///
/// No serde derive: types that are received implement `cds_core::de::Fields` (one `match` on
/// the wire name), which compiles to much less code than a derive with a `deserialize_with`
/// per field; types that are sent implement `cds_core::ser::Entries` (one line per field).
/// Types that are only received implement `Serialize` (for re-encoding a decoded answer) only
/// with the crate's `serde-serialize` feature. A consumer compiles no serde_derive.
pub fn gen_struct(
    name: &Ident,
    doc: TokenStream,
    fields: &[StructField],
    role: Role,
    types: &Types,
) -> TokenStream {
    let sensitive = fields.iter().any(|f| is_sensitive(&f.field));
    let defs = fields.iter().map(field_def);
    let mut derives = vec![quote!(Clone), quote!(Default), quote!(PartialEq)];
    if !sensitive {
        derives.push(quote!(Debug));
    }
    let debug_impl = sensitive.then(|| debug_impl(name, fields));
    let builder = role
        .input
        .then(|| builder(name, fields, types, role.checked));
    let decode = role.output.then(|| fields_impl(name, fields, types));
    let encode = (role.input || role.output).then(|| entries_impl(name, fields, role.input));
    quote! {
        #doc
        #[derive(#(#derives),*)]
        #[non_exhaustive]
        pub struct #name { #(#defs)* }
        #debug_impl
        #decode
        #encode
        #builder
    }
}

/// One field: docs (with the wire name); how it travels is in the type's `Fields` and
/// `Entries` impls.
fn field_def(f: &StructField) -> TokenStream {
    let id = ident(&f.rust);
    let ty = rust_type(&f.ty);
    let wire = &f.field.name;
    if f.field.flatten {
        let fdoc = docs::attrs(&docs::paragraphs(
            &f.field.doc,
            "(flattened: these fields sit at this level of the body)",
            &[],
        ));
        return quote! { #fdoc pub #id: #ty, };
    }
    let suffix = if f.field.required {
        format!("(`{wire}`, required)")
    } else {
        format!("(`{wire}`)")
    };
    let fdoc = docs::attrs(&docs::paragraphs(&f.field.doc, &suffix, &[]));
    quote! { #fdoc pub #id: Option<#ty>, }
}

/// `cds_core::de::Fields` (decoding member by member, scalars leniently) and `Deserialize`.
fn fields_impl(name: &Ident, fields: &[StructField], types: &Types) -> TokenStream {
    let name_str = name.to_string();
    let mut fallback = quote!(cds_core::de::skip(value)?);
    let mut arms = Vec::new();
    for f in fields {
        let id = ident(&f.rust);
        if f.field.flatten {
            fallback = quote!(return cds_core::de::Fields::field(&mut self.#id, key, value));
            continue;
        }
        let wire = &f.field.name;
        let decode = match &f.ty {
            t if types.lenient_scalar(t) => quote!(lenient),
            TypeRef::List(inner) if types.lenient_scalar(inner) => quote!(lenient_vec),
            _ => quote!(nested),
        };
        arms.push(quote! { #wire => self.#id = cds_core::de::#decode(value)?, });
    }
    let body = if arms.is_empty() {
        quote! { let _ = key; #fallback; Ok(()) }
    } else {
        quote! { match key { #(#arms)* _ => #fallback, } Ok(()) }
    };
    quote! {
        impl cds_core::de::Fields for #name {
            const NAME: &'static str = #name_str;
            fn field<'de, D: serde::Deserializer<'de>>(&mut self, key: &str, value: D) -> Result<(), D::Error> {
                #body
            }
        }
        cds_core::impl_deserialize!(#name);
    }
}

/// `cds_core::ser::Entries` and `Serialize` (`None` fields left out): always for a type that
/// is sent, and with the crate's `serde-serialize` feature for one that is only received.
fn entries_impl(name: &Ident, fields: &[StructField], sent: bool) -> TokenStream {
    let entries = fields.iter().map(|f| {
        let id = ident(&f.rust);
        let wire = &f.field.name;
        if f.field.flatten {
            quote! { cds_core::ser::Entries::entries(&self.#id, map)?; }
        } else {
            quote! { cds_core::ser::entry(map, #wire, &self.#id)?; }
        }
    });
    let gate = (!sent).then(|| quote!(#[cfg(feature = "serde-serialize")]));
    let map = if fields.is_empty() {
        format_ident!("_map")
    } else {
        format_ident!("map")
    };
    quote! {
        #gate
        impl cds_core::ser::Entries for #name {
            fn entries<M: serde::ser::SerializeMap>(&self, #map: &mut M) -> Result<(), M::Error> {
                #(#entries)*
                Ok(())
            }
        }
        #gate
        cds_core::impl_serialize!(#name);
    }
}

fn debug_impl(name: &Ident, fields: &[StructField]) -> TokenStream {
    let name_str = name.to_string();
    let entries = fields.iter().map(|f| {
        let id = ident(&f.rust);
        let label = &f.rust;
        if is_sensitive(&f.field) {
            quote! { .field(#label, &self.#id.as_ref().map(|_| "[REDACTED]")) }
        } else {
            quote! { .field(#label, &self.#id) }
        }
    });
    quote! {
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#name_str) #(#entries)* .finish()
            }
        }
    }
}

/// A setter taking what a user naturally has: `impl Into<T>`, or for a list any iterable of
/// `impl Into<T>` (`vec!["auto"]`, `[disk_a, disk_b]`).
pub fn setter(
    f: &StructField,
    doc: TokenStream,
    target: TokenStream,
    receiver: TokenStream,
) -> TokenStream {
    let field = ident(&f.rust);
    let setter = names::setter(&f.rust);
    if f.field.flatten {
        let ty = rust_type(&f.ty);
        return quote! {
            #doc
            pub fn #setter(mut self, value: impl Into<#ty>) -> Self {
                self.#target.#field = value.into();
                #receiver
            }
        };
    }
    match &f.ty {
        TypeRef::List(inner) => {
            let inner = rust_type(inner);
            quote! {
                #doc
                pub fn #setter<V: Into<#inner>>(mut self, values: impl IntoIterator<Item = V>) -> Self {
                    self.#target.#field = Some(values.into_iter().map(Into::into).collect());
                    #receiver
                }
            }
        }
        ty => {
            let ty = rust_type(ty);
            quote! {
                #doc
                pub fn #setter(mut self, value: impl Into<#ty>) -> Self {
                    self.#target.#field = Some(value.into());
                    #receiver
                }
            }
        }
    }
}

/// `T::builder()`, `TBuilder` with one setter per field, and `build()`: a `Result` naming every
/// missing required field (nested ones by path) when `T` has any, else `T` itself.
fn builder(name: &Ident, fields: &[StructField], types: &Types, checked: bool) -> TokenStream {
    let builder = format_ident!("{}Builder", name);
    let name_str = name.to_string();
    let builder_doc = format!(" Builder of [`{name_str}`]: set fields, then `build()`.");
    let setters = fields.iter().map(|f| {
        let doc = if names::is_keyword(&f.rust) {
            format!(" Sets the `{}` field of [`{name_str}`].", f.rust)
        } else {
            format!(" Sets [`{name_str}::{}`].", f.rust)
        };
        setter(f, quote!(#[doc = #doc]), quote!(inner), quote!(self))
    });
    let build = if checked {
        quote! {
            /// Builds the value; fails naming every required field (by path) that is not set.
            pub fn build(self) -> Result<#name, cds_core::BuildError> {
                cds_core::validate::build(#name_str, self.inner)
            }
        }
    } else {
        quote! {
            /// Builds the value (it has no required fields).
            pub fn build(self) -> #name {
                self.inner
            }
        }
    };
    let check = checked.then(|| validate_impl(name, fields, types));
    quote! {
        impl #name {
            /// A builder of this type.
            pub fn builder() -> #builder {
                #builder::default()
            }
        }
        #[doc = #builder_doc]
        #[derive(Debug, Clone, Default)]
        #[must_use = "a builder does nothing until `build()`"]
        pub struct #builder { inner: #name }
        impl #builder {
            #(#setters)*
            #build
        }
        #check
    }
}

/// `impl cds_core::validate::Validate`: pushes the path of every required field that is not
/// set, and checks the nested values that need it.
fn validate_impl(name: &Ident, fields: &[StructField], types: &Types) -> TokenStream {
    let checks = fields.iter().filter_map(|f| {
        let id = ident(&f.rust);
        let wire = &f.field.name;
        let nested = match &f.ty {
            TypeRef::Named(n) if types.roles.validated.contains(n) => Some(quote! {
                if let Some(v) = &self.#id { v.validate(&cds_core::validate::join(path, #wire), missing); }
            }),
            TypeRef::List(inner) if matches!(&**inner, TypeRef::Named(n) if types.roles.validated.contains(n)) => Some(quote! {
                if let Some(items) = &self.#id {
                    let at = cds_core::validate::join(path, #wire);
                    for (i, v) in items.iter().enumerate() { v.validate(&format!("{at}[{i}]"), missing); }
                }
            }),
            TypeRef::Map(inner) if matches!(&**inner, TypeRef::Named(n) if types.roles.validated.contains(n)) => Some(quote! {
                if let Some(items) = &self.#id {
                    let at = cds_core::validate::join(path, #wire);
                    for (k, v) in items { v.validate(&format!("{at}.{k}"), missing); }
                }
            }),
            _ => None,
        };
        let required = (f.field.required && !f.field.flatten).then(|| quote! {
            if self.#id.is_none() { missing.push(cds_core::validate::join(path, #wire)); }
        });
        if nested.is_none() && required.is_none() {
            return None;
        }
        Some(quote! { #required #nested })
    });
    quote! {
        impl cds_core::validate::Validate for #name {
            fn validate(&self, path: &str, missing: &mut Vec<String>) {
                #(#checks)*
            }
        }
    }
}

/// A non-exhaustive string enum that keeps unknown values.
pub fn gen_enum(name: &str, def: &EnumDef) -> TokenStream {
    let id = format_ident!("{}", name);
    let doc = docs::doc(&def.doc);
    let values: Vec<String> = def.values.iter().map(|v| yaml_text(&v.value)).collect();
    let variants = names::dedupe(values.iter().map(|v| names::pascal(v)).collect());
    let variants: Vec<String> = variants
        .into_iter()
        .map(|v| {
            if v == "Unknown" {
                "Unknown_".to_string()
            } else {
                v
            }
        })
        .collect();
    let var_ids: Vec<Ident> = variants.iter().map(|v| format_ident!("{}", v)).collect();
    let var_docs = def.values.iter().zip(&values).map(|(v, text)| {
        docs::attrs(&docs::paragraphs(
            &v.doc,
            &format!("(`{}`)", text.replace('`', "'")),
            &[],
        ))
    });
    quote! {
        #doc
        ///
        /// Non-exhaustive: a value this SDK does not know decodes to `Unknown`.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #id {
            #( #var_docs #var_ids, )*
            /// A value not documented when this SDK was generated.
            Unknown(String),
        }
        impl #id {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    #( #id::#var_ids => #values, )*
                    #id::Unknown(other) => other.as_str(),
                }
            }
        }
        impl From<&str> for #id {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => #id::#var_ids, )*
                    other => #id::Unknown(other.to_string()),
                }
            }
        }
        impl std::fmt::Display for #id {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl serde::Serialize for #id {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for #id {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text: Option<String> = cds_core::de::lenient(deserializer)?;
                Ok(#id::from(text.unwrap_or_default().as_str()))
            }
        }
        impl cds_core::de::FromScalar for #id {
            fn from_scalar(scalar: cds_core::de::Scalar) -> Result<Option<Self>, String> {
                Ok(<String as cds_core::de::FromScalar>::from_scalar(scalar)?.map(|text| #id::from(text.as_str())))
            }
        }
    }
}

/// The text of a YAML scalar.
pub fn yaml_text(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Null => String::new(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}
