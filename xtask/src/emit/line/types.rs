//! Generated structs (with borrowing accessors for what is received, builders and
//! required-field checks for what is sent) and enums.

use crate::docs;
use crate::emit::line::layout::Layout;
use crate::names::{self, ident};
use crate::spec::{EnumDef, Field};
use crate::typeref::TypeRef;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

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
/// borrowing accessors when it is received, and a builder and a required-field check when it
/// is sent.
///
/// No serde derive: types that are received implement `cds_core::de::Fields` (one `match` on
/// the wire name), which compiles to much less code than a derive with a `deserialize_with`
/// per field; types that are sent implement `cds_core::ser::Entries` (one line per field).
/// Types that are only received implement `Serialize` (for re-encoding a decoded answer) only
/// with the crate's `serde-serialize` feature. A consumer compiles no serde_derive.
pub fn gen_struct(
    layout: &Layout,
    name: &Ident,
    doc: TokenStream,
    fields: &[StructField],
    role: Role,
) -> TokenStream {
    let sensitive = fields.iter().any(|f| is_sensitive(&f.field));
    let defs = fields.iter().map(|f| field_def(layout, f));
    let mut derives = vec![quote!(Clone), quote!(Default), quote!(PartialEq)];
    if !sensitive {
        derives.push(quote!(Debug));
    }
    let debug_impl = sensitive.then(|| debug_impl(name, fields));
    let builder = role
        .input
        .then(|| builder(layout, name, fields, role.checked));
    let decode = role.output.then(|| fields_impl(layout, name, fields));
    let accessors = role.output.then(|| accessors(layout, name, fields));
    let encode = (role.input || role.output).then(|| entries_impl(name, fields, role.input));
    quote! {
        #doc
        #[derive(#(#derives),*)]
        #[non_exhaustive]
        pub struct #name { #(#defs)* }
        #accessors
        #debug_impl
        #decode
        #encode
        #builder
    }
}

/// Doc paragraphs of a field: its docs with the wire name, and what the spec says of it
/// (deprecated, undocumented).
pub fn field_doc(field: &Field, suffix: &str) -> TokenStream {
    let mut extra = Vec::new();
    if let Some(d) = &field.deprecated {
        extra.push(format!(
            "Deprecated: {} (vendor documents of {}). Still sent when set.",
            docs::escape(&d.why),
            d.date
        ));
    }
    if let Some(u) = &field.undocumented {
        extra.push(format!(
            "Not in the vendor's documents: the vendor's own production code sends it ({}).{}",
            docs::escape(&u.evidence),
            if u.why.trim().is_empty() {
                String::new()
            } else {
                format!(" {}", docs::escape(&u.why))
            }
        ));
    }
    docs::attrs(&docs::paragraphs(&field.doc, suffix, &extra))
}

/// One field: docs (with the wire name); how it travels is in the type's `Fields` and
/// `Entries` impls.
fn field_def(layout: &Layout, f: &StructField) -> TokenStream {
    let id = ident(&f.rust);
    let ty = layout.rust_type(&f.ty);
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
    let fdoc = field_doc(&f.field, &suffix);
    quote! { #fdoc pub #id: Option<#ty>, }
}

/// The name of the accessor of field `rust` (fields named like the type's `builder()` get a
/// suffix).
fn accessor_name(rust: &str) -> Ident {
    if rust == "builder" {
        format_ident!("builder_field")
    } else {
        ident(rust)
    }
}

/// Borrowing accessors, named as the fields: `Option<&str>` for text, `&[T]` for lists (empty
/// when absent), `Option<&T>` for nested shapes, enums and JSON, `Option<T>` for numbers and
/// booleans, `&T` for a flattened shape.
fn accessors(layout: &Layout, name: &Ident, fields: &[StructField]) -> Option<TokenStream> {
    if fields.is_empty() {
        return None;
    }
    let methods = fields.iter().map(|f| {
        let id = ident(&f.rust);
        let method = accessor_name(&f.rust);
        let doc = format!(" `{}` (see the field [`{name}::{}`]).", f.field.name, f.rust)
            .replace("::r#", "::");
        // `#[inline]`: compiled where it is used, not in the line crate (most go unused).
        let ty = layout.rust_type(&f.ty);
        if f.field.flatten {
            return quote! { #[doc = #doc] #[inline] pub fn #method(&self) -> &#ty { &self.#id } };
        }
        match &f.ty {
            TypeRef::String => quote! {
                #[doc = #doc] #[inline] pub fn #method(&self) -> Option<&str> { self.#id.as_deref() }
            },
            TypeRef::Integer | TypeRef::Number | TypeRef::Boolean => quote! {
                #[doc = #doc] #[inline] pub fn #method(&self) -> Option<#ty> { self.#id }
            },
            TypeRef::List(inner) => {
                let inner = layout.rust_type(inner);
                quote! {
                    #[doc = #doc] #[inline] pub fn #method(&self) -> &[#inner] { self.#id.as_deref().unwrap_or_default() }
                }
            }
            _ => quote! {
                #[doc = #doc] #[inline] pub fn #method(&self) -> Option<&#ty> { self.#id.as_ref() }
            },
        }
    });
    Some(quote! {
        impl #name {
            #(#methods)*
        }
    })
}

/// `cds_core::de::Fields` (decoding member by member, scalars leniently) and `Deserialize`.
fn fields_impl(layout: &Layout, name: &Ident, fields: &[StructField]) -> TokenStream {
    let name_str = name.to_string();
    let mut fallback = quote!(cds_core::de::skip(value)?);
    let mut arms = Vec::new();
    let lenient_scalar =
        |t: &TypeRef| t.is_scalar() || matches!(t, TypeRef::Named(n) if layout.is_enum(n));
    for f in fields {
        let id = ident(&f.rust);
        if f.field.flatten {
            fallback = quote!(return cds_core::de::Fields::field(&mut self.#id, key, value));
            continue;
        }
        let wire = &f.field.name;
        let decode = match &f.ty {
            TypeRef::List(_) if f.field.one_or_list.is_some() => quote!(one_or_many),
            t if lenient_scalar(t) => quote!(lenient),
            TypeRef::List(inner) if lenient_scalar(inner) => quote!(lenient_vec),
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

/// `cds_core::ser::Entries` and `Serialize` (`None` fields left out; numbers JSON cannot carry
/// are errors): always for a type that is sent, and with the crate's `serde-serialize`
/// feature for one that is only received.
fn entries_impl(name: &Ident, fields: &[StructField], sent: bool) -> TokenStream {
    let entries = fields.iter().map(|f| {
        let id = ident(&f.rust);
        let wire = &f.field.name;
        if f.field.flatten {
            return quote! { cds_core::ser::Entries::entries(&self.#id, map)?; };
        }
        match &f.ty {
            TypeRef::Number => quote! { cds_core::ser::number(map, #wire, &self.#id)?; },
            TypeRef::List(inner) if **inner == TypeRef::Number => {
                quote! { cds_core::ser::number_list(map, #wire, &self.#id)?; }
            }
            _ => quote! { cds_core::ser::entry(map, #wire, &self.#id)?; },
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

/// `#[deprecated]` for a field the current documents removed.
pub fn deprecated_attr(field: &Field) -> Option<TokenStream> {
    field.deprecated.as_ref().map(|d| {
        let note = format!(
            "{} (removed from the vendor's documents of {}); still sent when set",
            d.why.trim().trim_end_matches('.'),
            d.date
        );
        quote!(#[deprecated(note = #note)])
    })
}

/// A setter taking what a user naturally has: `impl Into<T>` (an enum also takes its `&str`),
/// or for a list any iterable of `impl Into<T>` (`vec!["auto"]`, `[disk_a, disk_b]`).
pub fn setter(
    layout: &Layout,
    f: &StructField,
    doc: TokenStream,
    target: TokenStream,
    receiver: TokenStream,
) -> TokenStream {
    let field = ident(&f.rust);
    let setter = names::setter(&f.rust);
    let deprecated = deprecated_attr(&f.field);
    if f.field.flatten {
        let ty = layout.rust_type(&f.ty);
        return quote! {
            #doc
            #deprecated
            pub fn #setter(mut self, value: impl Into<#ty>) -> Self {
                self.#target.#field = value.into();
                #receiver
            }
        };
    }
    match &f.ty {
        TypeRef::List(inner) => {
            let inner = layout.rust_type(inner);
            quote! {
                #doc
                #deprecated
                pub fn #setter<V: Into<#inner>>(mut self, values: impl IntoIterator<Item = V>) -> Self {
                    self.#target.#field = Some(values.into_iter().map(Into::into).collect());
                    #receiver
                }
            }
        }
        ty => {
            let ty = layout.rust_type(ty);
            quote! {
                #doc
                #deprecated
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
fn builder(layout: &Layout, name: &Ident, fields: &[StructField], checked: bool) -> TokenStream {
    let builder = format_ident!("{}Builder", name);
    let name_str = name.to_string();
    let builder_doc = format!(" Builder of [`{name_str}`]: set fields, then `build()`.");
    let setters = fields.iter().map(|f| {
        let doc = if names::is_keyword(&f.rust) {
            format!(" Sets the `{}` field of [`{name_str}`].", f.rust)
        } else {
            format!(" Sets [`{name_str}::{}`].", f.rust)
        };
        setter(
            layout,
            f,
            quote!(#[doc = #doc]),
            quote!(inner),
            quote!(self),
        )
    });
    let build = if checked {
        quote! {
            /// Builds the value; fails naming every required field (by path) that is not set.
            #[inline]
            pub fn build(self) -> Result<#name, cds_core::BuildError> {
                cds_core::validate::build(#name_str, self.inner)
            }
        }
    } else {
        quote! {
            /// Builds the value (it has no required fields).
            #[inline]
            pub fn build(self) -> #name {
                self.inner
            }
        }
    };
    let check = checked.then(|| validate_impl(layout, name, fields));
    quote! {
        impl #name {
            /// A builder of this type.
            #[inline]
            pub fn builder() -> #builder {
                #builder::default()
            }
        }
        #[doc = #builder_doc]
        #[derive(Debug, Clone, Default)]
        #[must_use = "a builder does nothing until `build()`"]
        pub struct #builder { inner: #name }
        #[allow(deprecated)]
        impl #builder {
            #(#setters)*
            #build
        }
        #check
    }
}

/// `impl cds_core::validate::Validate`: pushes the path of every required field that is not
/// set, and checks the nested values that need it.
fn validate_impl(layout: &Layout, name: &Ident, fields: &[StructField]) -> TokenStream {
    let validated = |n: &String| layout.roles.validated.contains(n);
    let checks = fields.iter().filter_map(|f| {
        let id = ident(&f.rust);
        let wire = &f.field.name;
        let nested = match &f.ty {
            TypeRef::Named(n) if validated(n) => Some(quote! {
                if let Some(v) = &self.#id { v.validate(&cds_core::validate::join(path, #wire), missing); }
            }),
            TypeRef::List(inner) if matches!(&**inner, TypeRef::Named(n) if validated(n)) => Some(quote! {
                if let Some(items) = &self.#id {
                    let at = cds_core::validate::join(path, #wire);
                    for (i, v) in items.iter().enumerate() { v.validate(&format!("{at}[{i}]"), missing); }
                }
            }),
            TypeRef::Map(inner) if matches!(&**inner, TypeRef::Named(n) if validated(n)) => Some(quote! {
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
            #[inline]
            fn validate(&self, path: &str, missing: &mut Vec<String>) {
                #(#checks)*
            }
        }
    }
}

/// Whether every value of an enum is an integer (the value set travels as JSON numbers).
pub fn is_integer_enum(def: &EnumDef) -> bool {
    !def.values.is_empty()
        && def
            .values
            .iter()
            .all(|v| v.value.is_i64() || v.value.is_u64())
}

/// A documented value set: non-exhaustive, `Unknown(String)` keeps an undocumented value (it
/// round-trips), `as_str`, `FromStr`/`From<&str>`/`From<String>` (so setters take `"PrePaid"`
/// too), `values()`, and each value's documented meaning in both languages. A set of
/// integers is sent as JSON numbers and also converts from `i64`.
pub fn gen_enum(name: &str, def: &EnumDef) -> TokenStream {
    let id = format_ident!("{}", name);
    let doc = docs::doc(&def.doc);
    let values: Vec<String> = def.values.iter().map(|v| yaml_text(&v.value)).collect();
    let integer = is_integer_enum(def);
    let variants = names::dedupe(
        def.values
            .iter()
            .zip(&values)
            .map(|(v, text)| match &v.name {
                Some(name) => names::pascal(name),
                None if integer => format!("V{}", text.replace('-', "Minus")),
                None => names::pascal(text),
            })
            .collect(),
    );
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
    let serialize = if integer {
        quote! {
            match self.as_str().parse::<i64>() {
                Ok(number) => serializer.serialize_i64(number),
                Err(_) => serializer.serialize_str(self.as_str()),
            }
        }
    } else {
        quote!(serializer.serialize_str(self.as_str()))
    };
    let from_integer = integer.then(|| {
        quote! {
            impl From<i64> for #id {
                #[inline]
                fn from(value: i64) -> Self {
                    #id::from(value.to_string().as_str())
                }
            }
            /// So that a bare literal converts too (`.auto_renew(1)`).
            impl From<i32> for #id {
                #[inline]
                fn from(value: i32) -> Self {
                    #id::from(i64::from(value))
                }
            }
        }
    });
    let wire = if integer {
        "Sent as a JSON number."
    } else {
        "Sent as text."
    };
    let note = format!(" Non-exhaustive: a value not documented when this SDK was generated decodes to `Unknown` and is sent back unchanged. {wire}");
    quote! {
        #doc
        ///
        #[doc = #note]
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #id {
            #( #var_docs #var_ids, )*
            /// A value not documented when this SDK was generated (kept as received).
            Unknown(String),
        }
        impl #id {
            /// The wire value.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    #( #id::#var_ids => #values, )*
                    #id::Unknown(other) => other.as_str(),
                }
            }
            /// Every documented wire value.
            #[inline]
            pub fn values() -> &'static [&'static str] {
                &[ #(#values),* ]
            }
        }
        impl From<&str> for #id {
            #[inline]
            fn from(value: &str) -> Self {
                match value {
                    #( #values => #id::#var_ids, )*
                    other => #id::Unknown(other.to_string()),
                }
            }
        }
        impl From<String> for #id {
            #[inline]
            fn from(value: String) -> Self {
                #id::from(value.as_str())
            }
        }
        #from_integer
        impl std::str::FromStr for #id {
            type Err = std::convert::Infallible;
            #[inline]
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(#id::from(value))
            }
        }
        impl std::fmt::Display for #id {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl serde::Serialize for #id {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #serialize
            }
        }
        impl<'de> serde::Deserialize<'de> for #id {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text: Option<String> = cds_core::de::lenient(deserializer)?;
                Ok(#id::from(text.unwrap_or_default().as_str()))
            }
        }
        impl cds_core::de::FromScalar for #id {
            #[inline]
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
