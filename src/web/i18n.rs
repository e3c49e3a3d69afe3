//! The reader's language in the page. Every text the page itself writes comes from
//! [`crate::words`] by key: index.html marks its static texts with `data-i18n="key"`, and the
//! Rust code asks [`t`]; tooltips and ARIA labels are marked `data-i18n-title` and
//! `data-i18n-aria`. The engines' warnings, notes and the errors a reader meets (a file
//! that cannot be read, a table that cannot be prepared, a target of classes, a table a network
//! cannot be trained on) come back in the reader's language: each message to the worker carries
//! it (`words::Message`); the page's own errors (its worker, the clipboard) are keys here. What
//! stays English is what only a program can provoke: malformed settings sent by hand, a codec
//! error on a file the page wrote itself.

use std::cell::Cell;

use wasm_bindgen::JsCast;
use web_sys::Element;

use super::dom;
pub use crate::words::Lang;
use crate::words::{fill, text};

thread_local! {
    static LANG: Cell<Lang> = const { Cell::new(Lang::En) };
}

pub fn lang() -> Lang {
    LANG.with(Cell::get)
}

/// The text of `key` in the current language (the key itself if unknown, so a missing
/// translation shows rather than vanishes).
pub fn t(key: &'static str) -> &'static str {
    text(lang(), key).unwrap_or(key)
}

/// `t(key)` with `{name}` placeholders filled.
pub fn tf(key: &'static str, values: &[(&str, &str)]) -> String {
    fill(t(key), values)
}

/// Switches the language and rewrites every marked text of the page.
pub fn set(lang: Lang) {
    LANG.with(|l| l.set(lang));
    let document = dom::document();
    if let Some(root) = document.document_element() {
        let _ = root.set_attribute("lang", if lang == Lang::Zh { "zh-CN" } else { "en" });
    }
    for (marker, attribute) in
        [("data-i18n", None), ("data-i18n-title", Some("title")), ("data-i18n-aria", Some("aria-label"))]
    {
        let Ok(marked) = document.query_selector_all(&format!("[{marker}]")) else { continue };
        for i in 0..marked.length() {
            let Some(element) = marked.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else { continue };
            let Some(words) = element.get_attribute(marker).and_then(|key| text(lang, &key)) else { continue };
            match attribute {
                None => element.set_text_content(Some(words)),
                Some(name) => {
                    let _ = element.set_attribute(name, words);
                }
            }
        }
    }
}

/// `t` for a key built at run time (kinds, families, example ids); `fallback` when unknown.
pub fn t_dynamic<'a>(key: &str, fallback: &'a str) -> &'a str
where
    'static: 'a,
{
    text(lang(), key).unwrap_or(fallback)
}
