//! Rust types and serde attributes for spec types, and generated structs and enums.

use crate::docs;
use crate::names;
use crate::spec::{EnumDef, Field};
use crate::typeref::TypeRef;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// An identifier, raw when it is a keyword.
pub fn ident(name: &str) -> Ident {
    if names::is_keyword(name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
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

/// Whether a value of this type decodes leniently as a scalar (scalars and enums).
fn lenient_scalar(t: &TypeRef, enums: &BTreeMap<&str, &EnumDef>) -> bool {
    t.is_scalar() || matches!(t, TypeRef::Named(n) if enums.contains_key(n.as_str()))
}

/// Serde attributes of an optional field.
pub fn serde_attrs(field: &Field, t: &TypeRef, enums: &BTreeMap<&str, &EnumDef>) -> TokenStream {
    let wire = &field.name;
    let with = match t {
        t if lenient_scalar(t, enums) => Some("cds_core::de::lenient"),
        TypeRef::List(inner) if lenient_scalar(inner, enums) => Some("cds_core::de::lenient_vec"),
        _ => None,
    };
    match with {
        Some(with) => quote! {
            #[serde(rename = #wire, default, skip_serializing_if = "Option::is_none", deserialize_with = #with)]
        },
        None => quote! {
            #[serde(rename = #wire, default, skip_serializing_if = "Option::is_none")]
        },
    }
}

/// Whether a field's name says it holds a secret (its value is redacted in `Debug`).
pub fn is_sensitive(wire: &str) -> bool {
    let l = wire.to_ascii_lowercase();
    ["password", "passwd", "secret", "token", "pwd"]
        .iter()
        .any(|s| l.contains(s))
        && !l.contains("expire")
}

/// One field of a generated struct.
pub struct StructField {
    /// Rust name.
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

/// A struct with all-optional fields. `derives` lists the serde derives wanted.
pub fn gen_struct(
    name: &Ident,
    doc: TokenStream,
    fields: &[StructField],
    enums: &BTreeMap<&str, &EnumDef>,
    deserialize: bool,
) -> TokenStream {
    let sensitive = fields.iter().any(|f| is_sensitive(&f.field.name));
    let defs = fields.iter().map(|f| {
        let id = ident(&f.rust);
        let ty = rust_type(&f.ty);
        let serde = serde_attrs(&f.field, &f.ty, enums);
        let mut extra = Vec::new();
        if f.field.required {
            extra.push("*Required.*".to_string());
        }
        if f.field.name != f.rust {
            extra.push(format!("Wire name: `{}`.", f.field.name));
        }
        if f.field.flatten {
            extra.pop();
            extra.push(format!(
                "Flattened: these fields sit at this level of the body (`{}` is not a wire name).",
                f.field.name
            ));
            let fdoc = docs::attrs(&docs::paragraphs(&f.field.doc, &f.field.notes, &extra));
            return quote! { #fdoc #[serde(flatten)] pub #id: #ty, };
        }
        let fdoc = docs::attrs(&docs::paragraphs(&f.field.doc, &f.field.notes, &extra));
        quote! { #fdoc #serde pub #id: Option<#ty>, }
    });
    let derive_debug = if sensitive { quote!() } else { quote!(Debug,) };
    let derive_de = if deserialize {
        quote!(serde::Deserialize,)
    } else {
        quote!()
    };
    let debug_impl = if sensitive {
        let name_str = name.to_string();
        let entries = fields.iter().map(|f| {
            let id = ident(&f.rust);
            let label = &f.rust;
            if is_sensitive(&f.field.name) {
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
    } else {
        quote!()
    };
    quote! {
        #doc
        #[derive(#derive_debug Clone, Default, PartialEq, serde::Serialize, #derive_de)]
        #[non_exhaustive]
        pub struct #name { #(#defs)* }
        #debug_impl
    }
}

/// A non-exhaustive string enum that keeps unknown values.
pub fn gen_enum(name: &str, def: &EnumDef) -> TokenStream {
    let id = format_ident!("{}", name);
    let doc = docs::doc(&def.doc, &def.notes);
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
            &[],
            &[format!("Wire value: `{}`.", text.replace('`', "'"))],
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
