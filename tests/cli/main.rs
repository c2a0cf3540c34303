//! Integration tests: the real binary driven through assert_cmd, plus the
//! library's spec model on the fixture corpus. One test binary, topic modules.

mod apis;
mod attacks;
mod browser;
mod collect;
mod commands;
mod corpus;
mod demo;
mod derive;
mod draft;
mod faults;
mod form_words;
mod house;
mod journey;
mod keyring;
mod leaks;
mod lint;
mod mcp;
mod methods;
mod oauth_flows;
mod openapi;
mod person;
mod properties;
mod provider;
mod secret_service;
mod sources;
mod spec_model;
mod support;
mod surface_attacks;
mod terminal;
mod validate;
mod values;
