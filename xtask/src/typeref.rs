//! The spec's type grammar: `string | integer | number | boolean | any | Name | list<T> | map<T>`.

/// A parsed spec type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// `string`
    String,
    /// `integer`
    Integer,
    /// `number`
    Number,
    /// `boolean`
    Boolean,
    /// `any`
    Any,
    /// A named type or enum.
    Named(String),
    /// `list<T>`
    List(Box<TypeRef>),
    /// `map<T>`
    Map(Box<TypeRef>),
}

impl TypeRef {
    /// Parses a type expression.
    pub fn parse(s: &str) -> Result<TypeRef, String> {
        let s = s.trim();
        if let Some(inner) = s.strip_prefix("list<").and_then(|r| r.strip_suffix('>')) {
            return Ok(TypeRef::List(Box::new(TypeRef::parse(inner)?)));
        }
        if let Some(inner) = s.strip_prefix("map<").and_then(|r| r.strip_suffix('>')) {
            return Ok(TypeRef::Map(Box::new(TypeRef::parse(inner)?)));
        }
        Ok(match s {
            "string" => TypeRef::String,
            "integer" => TypeRef::Integer,
            "number" => TypeRef::Number,
            "boolean" => TypeRef::Boolean,
            "any" => TypeRef::Any,
            name if name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && name.chars().all(|c| c.is_ascii_alphanumeric()) =>
            {
                TypeRef::Named(name.to_string())
            }
            other => return Err(format!("unknown type expression {other:?}")),
        })
    }

    /// Named types this expression mentions.
    pub fn named(&self) -> Vec<&str> {
        match self {
            TypeRef::Named(n) => vec![n.as_str()],
            TypeRef::List(t) | TypeRef::Map(t) => t.named(),
            _ => Vec::new(),
        }
    }

    /// Whether this is a scalar (`string`, `integer`, `number`, `boolean`).
    pub fn is_scalar(&self) -> bool {
        matches!(
            self,
            TypeRef::String | TypeRef::Integer | TypeRef::Number | TypeRef::Boolean
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_expressions() {
        assert_eq!(
            TypeRef::parse("list<map<Disk>>").unwrap(),
            TypeRef::List(Box::new(TypeRef::Map(Box::new(TypeRef::Named(
                "Disk".into()
            )))))
        );
        assert!(TypeRef::parse("int").is_err());
        assert!(TypeRef::parse("list<int>").is_err());
    }
}
