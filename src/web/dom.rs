//! Small helpers over web-sys for the page: find elements by id, make elements, set text.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement};

pub fn document() -> Document {
    web_sys::window().and_then(|w| w.document()).expect("the page runs in a window with a document")
}

/// The element with this id, as the type the page's HTML gives it. The ids are a contract
/// (DESIGN.md); a missing one is a bug in index.html, reported on the console.
pub fn by_id<T: JsCast>(id: &str) -> T {
    document()
        .get_element_by_id(id)
        .unwrap_or_else(|| panic!("index.html has no element #{id}"))
        .dyn_into::<T>()
        .unwrap_or_else(|_| panic!("#{id} is not the expected kind of element"))
}

/// A new element with optional text.
pub fn element(tag: &str, text: Option<&str>) -> Element {
    let e = document().create_element(tag).expect("a valid tag name");
    if let Some(text) = text {
        e.set_text_content(Some(text));
    }
    e
}

pub fn append(parent: &Element, child: &Element) {
    parent.append_child(child).expect("appending to the DOM");
}

pub fn set_text(id: &str, text: &str) {
    by_id::<HtmlElement>(id).set_text_content(Some(text));
}
