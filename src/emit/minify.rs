//! The loader's minifier: oxc's parser, compressor, mangler and printer, set to the loader's
//! language level (ES2017, spec point 10). The loader's source is written for people
//! (templates/loader/); what ships is this function's output.
//!
//! Why oxc: it is maintained by a full-time team, its minifier is tested against test262,
//! Babel's and TypeScript's suites, it is one small stack of crates with no C code (so it builds
//! for `wasm32-unknown-unknown`), and it is deterministic: the same input gives the same bytes,
//! and `=` versions in Cargo.toml pin them. docs/loader.md, "Minification", has the comparison
//! with swc's minifier.

use oxc_allocator::Allocator;
use oxc_codegen::{Codegen, CodegenOptions};
use oxc_compat::EngineTargets;
use oxc_minifier::{CompressOptions, MangleOptions, Minifier, MinifierOptions};
use oxc_parser::Parser;
use oxc_span::SourceType;

/// The syntax the loader may use: spec point 10 says ES2017, so the compressor must not
/// introduce later syntax (optional catch bindings, `??`, `?.`, `**=`...).
const TARGET: &str = "es2017";

/// Whether local names are shortened. Off only to review what ships in our own names (the
/// compressor's output is the same either way: it runs before the mangler).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    Mangled,
    Kept,
}

/// Minifies one script (not a module: the loader is a classic `<script>`). An error is a bug in
/// our templates, never in a policy: the policy's data is placed into the output afterwards.
pub fn minify(source: &str, names: Names) -> Result<String, String> {
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, source, SourceType::cjs().with_module(false)).parse();
    if let Some(error) = parsed.diagnostics.first() {
        return Err(format!("the loader's source does not parse: {error}"));
    }
    if parsed.panicked {
        return Err("the loader's source does not parse".to_owned());
    }
    let mut program = parsed.program;
    let target = EngineTargets::from_target(TARGET)?;
    let options = MinifierOptions {
        mangle: (names == Names::Mangled).then(MangleOptions::default),
        compress: Some(CompressOptions {
            target,
            ..CompressOptions::smallest()
        }),
        ..MinifierOptions::default()
    };
    let minified = Minifier::new(options).minify(&allocator, &mut program);
    let code = Codegen::new()
        .with_options(CodegenOptions::minify())
        .with_scoping(minified.scoping)
        .build(&program)
        .code;
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::{minify, Names};

    #[test]
    fn minifies_and_mangles_locals_but_not_globals() {
        let out = minify(
            "(function (window) { var longName = window.foo; window.bar(longName); })(window);",
            Names::Mangled,
        )
        .expect("minifies");
        assert!(!out.contains("longName"), "{out}");
        assert!(out.contains(".foo") && out.contains(".bar("), "{out}");
    }

    #[test]
    fn keeps_es2017_syntax() {
        let out = minify(
            "(function () { try { f(); } catch (error) {} var a = x === null || x === undefined ? y : x; g(a); })();",
            Names::Mangled,
        )
        .expect("minifies");
        assert!(!out.contains("catch{"), "optional catch binding is ES2019: {out}");
        assert!(!out.contains("??"), "nullish coalescing is ES2020: {out}");
    }

    #[test]
    fn folds_feature_constants() {
        let out = minify(
            "(function (w) { const PAGES = false; if (PAGES) { w.pagesCode(); } if (!PAGES) w.other(); })(window);",
            Names::Mangled,
        )
        .expect("minifies");
        assert!(!out.contains("pagesCode"), "{out}");
    }

    #[test]
    fn source_errors_are_reported() {
        assert!(minify("function (", Names::Mangled).is_err());
    }
}
