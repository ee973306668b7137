//! Writes the TypeScript types of the engine boundary (`ts/src/engine/generated/engine.ts`) from the
//! Rust definitions: parameters with their documented ranges, specs, options and reports.
//! `cargo test -p mp_api --features ts ts_export` regenerates it; `.ci/run` fails if it drifted.
use ts_rs::{Config, TS};

/// `/** docs */ export type Name = ...;`
pub(crate) fn declare<T: TS + 'static>(cfg: &Config) -> String {
    let docs = T::docs().map(|d| format!("{}\n", d.trim_end())).unwrap_or_default();
    format!("{docs}export {}\n", T::decl(cfg))
}

/// The whole generated file.
pub fn render() -> String {
    use crate::kinds::REGISTRY;
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated from the Rust definitions by `cargo test -p mp_api --features ts ts_export`\n\
         // (crates/mp_api/src/ts_export.rs). Do not edit: change the Rust types and regenerate.\n\n",
    );
    let mut union = Vec::new();
    for r in REGISTRY {
        let (name, decl) = (r.params_ts)(&cfg);
        out.push_str(&decl);
        union.push(format!("  | {{ kind: {:?}; params?: Partial<{name}> }}", r.name));
    }
    out.push_str(&format!(
        "/** A model specification: a kind and its parameters (defaults fill the rest; gbt and forest need `seed`). */\n\
         export type ModelSpec =\n{};\n\nexport type ModelKind = ModelSpec['kind'];\n",
        union.join("\n")
    ));
    let mut union = Vec::new();
    for r in crate::collab::REGISTRY {
        let (name, decl) = (r.params_ts)(&cfg);
        out.push('\n');
        out.push_str(&decl);
        union.push(format!("  | {{ kind: {:?}; params?: Partial<{name}> }}", r.name));
    }
    out.push_str(&format!(
        "/** A collaborative model specification (fitted on user/item/value triples; mf needs `seed`). */\n\
         export type CollabSpec =\n{};\n\nexport type CollabKind = CollabSpec['kind'];\n",
        union.join("\n")
    ));
    for decl in [
        declare::<crate::CollabInfo>(&cfg),
        declare::<crate::ModelInfo>(&cfg),
        declare::<mp_core::metrics::Confusion>(&cfg),
        declare::<mp_core::metrics::BinaryMetrics>(&cfg),
        declare::<crate::EngineInfo>(&cfg),
        declare::<crate::Scoring>(&cfg),
        declare::<crate::PermutationOptions>(&cfg),
        declare::<crate::PermutationImportance>(&cfg),
        declare::<crate::GridSpec>(&cfg),
        declare::<crate::GridOptions>(&cfg),
        declare::<mp_select::MetricSummary>(&cfg),
        declare::<crate::EarlyStopping>(&cfg),
        declare::<crate::LastEvaluated>(&cfg),
        declare::<crate::ConfigEntry>(&cfg),
        declare::<crate::SearchEarlyStopping>(&cfg),
        declare::<crate::HalvingIteration>(&cfg),
        declare::<crate::SearchReport>(&cfg),
        declare::<crate::GridReport>(&cfg),
        declare::<crate::ValidationSplit>(&cfg),
        declare::<crate::FitOptions>(&cfg),
        declare::<crate::FitProgress>(&cfg),
        declare::<crate::GridProgress>(&cfg),
    ] {
        out.push('\n');
        out.push_str(&decl);
    }
    out
}

#[cfg(test)]
mod tests {
    use mp_core::params::Choice;

    const OUT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../ts/src/engine/generated/engine.ts");

    #[test]
    fn ts_export_writes_the_boundary_types() {
        let ts = super::render();
        // named values are typed by hand in #[ts(type)]: they must list exactly the Rust choices
        let names = mp_tree::GrowPolicy::CHOICES.iter().map(|c| c.0).chain(mp_tree::ObjectiveKind::CHOICES.iter().map(|c| c.0));
        for name in names {
            assert!(ts.contains(&format!("\"{name}\"")), "{name} missing from the generated types");
        }
        std::fs::write(OUT, ts).unwrap();
    }
}
