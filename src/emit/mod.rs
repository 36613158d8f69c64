//! Backends: each reads only the checked model and the catalogue.
pub mod escape;
pub mod loader;
