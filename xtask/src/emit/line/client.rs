//! `src/client.rs`: the line's `Client` (configuration, the waiters of its tasks, and, for a
//! line with an operator-side API, `operator()`); each operation adds its method in its own
//! module.

use crate::emit::line::layout::Layout;
use crate::emit::line::operation::has_operator;
use crate::names;
use crate::spec::{Auth, Line, Protocol};
use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The variables `Client::from_env` reads, for docs.
pub fn env_names(line: &Line) -> Vec<String> {
    let declared: Vec<String> = line
        .product
        .env
        .declared()
        .into_iter()
        .filter_map(|(_, v)| v.cloned())
        .collect();
    if declared.is_empty() && line.product.protocol == Protocol::Rpc {
        [
            "CDS_SECRET_ID",
            "CDS_SECRET_KEY",
            "CDS_REGION",
            "CDS_ENDPOINT",
        ]
        .map(String::from)
        .to_vec()
    } else {
        declared
    }
}

/// `src/client.rs`.
pub fn client_rs(layout: &Layout) -> TokenStream {
    let line = layout.line;
    let p = &line.product;
    let waiters = p.waiters.iter().map(|w| {
        let method = format_ident!("wait_for_{}", names::snake(&w.name));
        let waiter = format_ident!("WAITER_{}", w.name.to_shouty_snake_case());
        let poller = &layout.ops[&w.poller];
        let poller_output = layout.output_path(&w.poller);
        let doc = format!(
            " Waits for a task, polling [`{}`]({}::{}) with `{}` = id until its status at `{}` is one of {:?} (success: returns the poller's output) or {:?} (failure: [`Error::TaskFailed`](cds_core::Error::TaskFailed)).",
            poller.rust,
            if poller.operator { "OperatorClient" } else { "Client" },
            poller.method,
            w.id_param,
            w.status,
            w.success,
            w.failure
        );
        quote! {
            #[doc = #doc]
            pub fn #method(&self, id: impl Into<String>) -> cds_core::Wait<#poller_output> {
                cds_core::Wait::new(self.runtime.clone(), &crate::meta::#waiter, id)
            }
        }
    });
    let names = env_names(line).join("`, `");
    let from_env = if p.auth == Auth::Pluggable {
        let doc = format!(" A configuration builder preset from `{names}`. This line's authentication is the caller's: unless the header variable is set, add it with [`ConfigBuilder::authenticator`](cds_core::ConfigBuilder::authenticator) before `build()` (a call without one fails with [`Error::Config`](cds_core::Error::Config) before anything is sent).");
        quote! {
            #[doc = #doc]
            pub fn config_from_env() -> Result<cds_core::ConfigBuilder, cds_core::ConfigError> {
                cds_core::Config::builder_from_env(&crate::meta::ENV)
            }
        }
    } else {
        let doc = format!(" A client configured from the environment: `{names}` (a missing required variable is an error naming it).");
        let doc2 = " A configuration builder preset from the same variables, to add retries, timeouts or limits.";
        quote! {
            #[doc = #doc]
            pub fn from_env() -> Result<Self, cds_core::ConfigError> {
                Ok(Self::new(&cds_core::Config::from_env_names(&crate::meta::ENV)?))
            }
            #[doc = #doc2]
            pub fn config_from_env() -> Result<cds_core::ConfigBuilder, cds_core::ConfigError> {
                cds_core::Config::builder_from_env(&crate::meta::ENV)
            }
        }
    };
    let operator = has_operator(layout).then(|| {
        (
            quote! {
                /// The operator-side (administrator) API of this line: `client.operator().list_flavors()`.
                pub fn operator(&self) -> OperatorClient {
                    OperatorClient { runtime: self.runtime.clone() }
                }
            },
            quote! {
                /// The operator-side (administrator) API of this line, from [`Client::operator`];
                /// cheap to clone.
                #[derive(Debug, Clone)]
                pub struct OperatorClient {
                    runtime: cds_core::ServiceClient,
                }

                impl OperatorClient {
                    /// The runtime client, for untyped calls.
                    pub fn runtime(&self) -> &cds_core::ServiceClient {
                        &self.runtime
                    }
                }
            },
        )
    });
    let (operator_method, operator_type) = match operator {
        Some((m, t)) => (Some(m), Some(t)),
        None => (None, None),
    };
    quote! {
        //! The client of this product line.

        /// Client of this product line; cheap to clone (the HTTP connection pool is shared).
        /// Each operation is a method (`client.describe_instances()`), documented in its module
        /// under [`crate::operation`].
        #[derive(Debug, Clone)]
        pub struct Client {
            runtime: cds_core::ServiceClient,
        }

        impl Client {
            /// A client using `config` (credentials, region or endpoint, retries, timeouts).
            pub fn new(config: &cds_core::Config) -> Self {
                Self { runtime: cds_core::ServiceClient::new(config, &crate::meta::SERVICE) }
            }
            /// The runtime client, for untyped calls ([`cds_core::ServiceClient::execute_value`])
            /// and for [`cds_core::ServiceClient::prepare`].
            pub fn runtime(&self) -> &cds_core::ServiceClient {
                &self.runtime
            }
            #from_env
            #operator_method
            #(#waiters)*
        }
        #operator_type
    }
}
