//! Dictionary formats, compiled actor/agent/verb tables and time-bounded roles.

pub mod gazetteer;
pub mod ontology;
