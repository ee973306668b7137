//! The one conversion from engine errors to JS errors: a `js_sys::Error` with a stable `code` property,
//! and the panic hook. wasm32 aborts on panic (no unwinding), so a bug traps the instance instead of
//! returning: the hook keeps the message so the JS adapter can report it as an `INTERNAL` error and reload.
use std::cell::RefCell;
use wasm_bindgen::JsValue;

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

pub fn to_js(e: mp_api::Error) -> JsValue {
    let err = js_sys::Error::new(e.message());
    // Reflect.set on a fresh, extensible Error object cannot fail.
    let _ = js_sys::Reflect::set(&err, &JsValue::from_str("code"), &JsValue::from_str(e.code().as_str()));
    err.into()
}

pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string();
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(msg));
    }));
}

pub fn take_last_panic() -> Option<String> {
    LAST_PANIC.with(|p| p.borrow_mut().take())
}
