use super::*;
use crate::{Datetime, Decimal, Duration, IpNet};

/// Calls the overload of `name` that accepts these argument types, as the
/// checker would have picked it.
fn call(name: &str, kind: Kind, args: &[Value]) -> Result<Value, BuiltinError> {
    let mut type_error = None;
    for (_, b) in lookup(name, kind) {
        match (b.eval)(args) {
            Err(error @ BuiltinError::Type { .. }) => type_error = Some(error),
            result => return result,
        }
    }
    Err(type_error.unwrap_or_else(|| panic!("no built-in {name}")))
}

fn method(name: &str, args: &[Value]) -> Value {
    call(name, Kind::Method, args).unwrap()
}

fn function(name: &str, args: &[Value]) -> Value {
    call(name, Kind::Function, args).unwrap()
}

fn s(text: &str) -> Value {
    Value::from(text)
}

fn strings(items: &[&str]) -> Value {
    Value::set(items.iter().map(|t| s(t)))
}

fn dec(text: &str) -> Value {
    Value::Decimal(Decimal::parse(text).unwrap())
}

fn dt(text: &str) -> Value {
    Value::Datetime(Datetime::parse(text).unwrap())
}

fn dur(text: &str) -> Value {
    Value::Duration(Duration::parse(text).unwrap())
}

fn ip(text: &str) -> Value {
    Value::Ip(IpNet::parse(text).unwrap())
}

#[test]
fn every_entry_is_documented() {
    for b in BUILTINS {
        assert!(!b.doc.trim().is_empty(), "{} has no doc", b.name);
        assert!(!b.example.trim().is_empty(), "{} has no example", b.name);
        assert!(
            b.example.contains(b.name),
            "{}'s example does not use it",
            b.name
        );
        if b.kind == Kind::Method {
            assert!(b.receiver().is_some(), "method {} has no receiver", b.name);
        }
    }
}

#[test]
fn overloads_differ_by_receiver() {
    assert!(BUILTINS.len() < usize::from(u16::MAX));
    for (i, b) in BUILTINS.iter().enumerate() {
        for other in &BUILTINS[..i] {
            assert!(
                !(b.name == other.name && b.kind == other.kind && b.receiver() == other.receiver()),
                "{} is declared twice",
                b.signature()
            );
        }
    }
}

#[test]
fn lookup_finds_all_overloads() {
    assert_eq!(lookup("contains", Kind::Method).count(), 2);
    assert_eq!(lookup("size", Kind::Method).count(), 2);
    assert_eq!(lookup("normalize", Kind::Function).count(), 1);
    assert_eq!(lookup("normalize", Kind::Method).count(), 1);
    assert_eq!(lookup("decimal", Kind::Method).count(), 0);
    assert_eq!(lookup("nope", Kind::Function).count(), 0);
    for (id, b) in all() {
        assert!(std::ptr::eq(builtin(id), b));
        assert!(lookup(b.name, b.kind).any(|(found, _)| found == id));
    }
}

#[test]
fn names_are_distinct() {
    let names: Vec<_> = names().collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(names.len(), sorted.len());
    assert!(names.contains(&"containsAll"));
    assert!(BUILTINS.iter().all(|b| names.contains(&b.name)));
}

#[test]
fn signatures_read_well() {
    let contains: Vec<_> = lookup("contains", Kind::Method)
        .map(|(_, b)| b.signature())
        .collect();
    assert_eq!(
        contains,
        [
            "String.contains(String) -> Bool",
            "Set<T>.contains(T) -> Bool"
        ]
    );
    let (_, get) = lookup("get", Kind::Method).next().unwrap();
    assert_eq!(get.signature(), "Map<K, V>.get(K, V) -> V");
    let (_, ip) = lookup("ip", Kind::Function).next().unwrap();
    assert_eq!(ip.signature(), "ip(String) -> IpAddr");
}

#[test]
fn wrong_arity_is_an_error() {
    for b in BUILTINS {
        let too_many = vec![Value::Int(0); b.params.len() + 1];
        assert!(
            matches!((b.eval)(&too_many), Err(BuiltinError::Arity { .. })),
            "{}",
            b.signature()
        );
        assert!(matches!((b.eval)(&[]), Err(BuiltinError::Arity { .. })));
    }
}

#[test]
fn literal_functions() {
    assert_eq!(function("decimal", &[s("1.50")]), dec("1.5"));
    assert_eq!(
        function("datetime", &[s("2026-01-01")]),
        dt("2026-01-01T00:00:00Z")
    );
    assert_eq!(function("duration", &[s("90m")]), dur("1h30m"));
    assert_eq!(function("ip", &[s("10.0.0.0/8")]), ip("10.0.0.0/8"));
    let error = call("ip", Kind::Function, &[s("10.0.0.300")]).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("invalid IP address `10.0.0.300`"),
        "{error}"
    );
    let error = call("decimal", Kind::Function, &[s("1.23456")]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid decimal `1.23456`: decimal literal has more than 4 fraction digits"
    );
    assert!(call("datetime", Kind::Function, &[s("2023-02-29")]).is_err());
    assert!(call("duration", Kind::Function, &[s("1x")]).is_err());
}

#[test]
fn integers() {
    assert_eq!(
        function("min", &[Value::Int(3), Value::Int(-2)]),
        Value::Int(-2)
    );
    assert_eq!(
        function("max", &[Value::Int(3), Value::Int(-2)]),
        Value::Int(3)
    );
    assert_eq!(function("abs", &[Value::Int(-7)]), Value::Int(7));
    assert_eq!(
        call("abs", Kind::Function, &[Value::Int(i64::MIN)])
            .unwrap_err()
            .to_string(),
        "integer overflow in `abs`"
    );
    assert_eq!(method("toDecimal", &[Value::Int(12)]), dec("12.0"));
    assert!(call("toDecimal", Kind::Method, &[Value::Int(i64::MAX)]).is_err());
}

#[test]
fn decimals() {
    let (a, b) = (dec("1.5"), dec("2.25"));
    assert_eq!(
        method("lessThan", &[a.clone(), b.clone()]),
        Value::Bool(true)
    );
    assert_eq!(
        method("lessThanOrEqual", &[a.clone(), a.clone()]),
        Value::Bool(true)
    );
    assert_eq!(
        method("greaterThan", &[a.clone(), b.clone()]),
        Value::Bool(false)
    );
    assert_eq!(method("greaterThanOrEqual", &[b, a]), Value::Bool(true));
}

#[test]
fn strings_methods() {
    let t = |name, args: &[Value]| method(name, args);
    assert_eq!(
        t("startsWith", &[s("/public/a"), s("/public/")]),
        Value::Bool(true)
    );
    assert_eq!(t("endsWith", &[s("a.pdf"), s(".txt")]), Value::Bool(false));
    assert_eq!(t("contains", &[s("curl/8"), s("curl")]), Value::Bool(true));
    assert_eq!(t("toLower", &[s("ÄBC")]), s("äbc"));
    assert_eq!(t("toUpper", &[s("straße")]), s("STRASSE"));
    assert_eq!(t("trim", &[s("  x \n")]), s("x"));
    assert_eq!(t("len", &[s("héllo")]), Value::Int(5));
    assert_eq!(t("split", &[s("a b  a"), s(" ")]), strings(&["a", "b", ""]));
    assert_eq!(t("split", &[s("aba"), s("")]), strings(&["a", "b"]));
    assert_eq!(
        t(
            "matches",
            &[s("bob@example.com"), s(r"[a-z]+@example\.com")]
        ),
        Value::Bool(true)
    );
    assert_eq!(
        t("matches", &[s("xbob@example.com!"), s("bob@example.com")]),
        Value::Bool(false)
    );
    let error = call("matches", Kind::Method, &[s("x"), s("(")]).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("invalid regular expression `(`"),
        "{error}"
    );
}

#[test]
fn path_methods() {
    let t = |name, args: &[Value]| method(name, args);
    assert_eq!(function("normalize", &[s("/a/./b/../c")]), s("/a/c"));
    assert_eq!(t("normalize", &[s("a//b/")]), s("a/b"));
    assert_eq!(
        t("within", &[s("/work/../etc/passwd"), s("/work")]),
        Value::Bool(false)
    );
    assert_eq!(
        t("within", &[s("/work/./a/../b"), s("/work")]),
        Value::Bool(true)
    );
    assert_eq!(t("basename", &[s("/a/b.txt")]), s("b.txt"));
    assert_eq!(t("dirname", &[s("/a/b.txt")]), s("/a"));
    assert_eq!(t("extension", &[s("/a/b.txt")]), s("txt"));
    assert_eq!(t("extension", &[s("/a/b")]), s(""));
}

#[test]
fn sets() {
    let ab = strings(&["a", "b"]);
    let bc = strings(&["b", "c"]);
    let t = |name, args: &[Value]| method(name, args);
    assert_eq!(t("contains", &[ab.clone(), s("a")]), Value::Bool(true));
    assert_eq!(
        t("contains", &[ab.clone(), Value::Int(1)]),
        Value::Bool(false)
    );
    assert_eq!(
        t("containsAll", &[ab.clone(), strings(&["a"])]),
        Value::Bool(true)
    );
    assert_eq!(
        t("containsAll", &[ab.clone(), bc.clone()]),
        Value::Bool(false)
    );
    assert_eq!(
        t("containsAll", &[ab.clone(), strings(&[])]),
        Value::Bool(true)
    );
    assert_eq!(
        t("containsAny", &[ab.clone(), bc.clone()]),
        Value::Bool(true)
    );
    assert_eq!(
        t("containsAny", &[ab.clone(), strings(&[])]),
        Value::Bool(false)
    );
    assert_eq!(
        t("union", &[ab.clone(), bc.clone()]),
        strings(&["a", "b", "c"])
    );
    assert_eq!(t("intersect", &[ab.clone(), bc.clone()]), strings(&["b"]));
    assert_eq!(t("difference", &[ab.clone(), bc]), strings(&["a"]));
    assert_eq!(t("size", std::slice::from_ref(&ab)), Value::Int(2));
    assert_eq!(t("isEmpty", &[ab]), Value::Bool(false));
    assert_eq!(t("isEmpty", &[strings(&[])]), Value::Bool(true));
}

#[test]
fn maps() {
    let quotas = Value::map([(s("storage"), Value::Int(5)), (s("cpu"), Value::Int(2))]);
    let t = |name, args: &[Value]| method(name, args);
    assert_eq!(
        t("containsKey", &[quotas.clone(), s("cpu")]),
        Value::Bool(true)
    );
    assert_eq!(
        t("containsKey", &[quotas.clone(), s("gpu")]),
        Value::Bool(false)
    );
    assert_eq!(
        t("keys", std::slice::from_ref(&quotas)),
        strings(&["cpu", "storage"])
    );
    assert_eq!(
        t("values", std::slice::from_ref(&quotas)),
        Value::set([Value::Int(2), Value::Int(5)])
    );
    assert_eq!(
        t("get", &[quotas.clone(), s("cpu"), Value::Int(0)]),
        Value::Int(2)
    );
    assert_eq!(
        t("get", &[quotas.clone(), s("gpu"), Value::Int(0)]),
        Value::Int(0)
    );
    assert_eq!(t("size", std::slice::from_ref(&quotas)), Value::Int(2));
    assert_eq!(t("isEmpty", &[quotas]), Value::Bool(false));
    assert_eq!(t("isEmpty", &[Value::map([])]), Value::Bool(true));
}

#[test]
fn datetimes() {
    let t = |name, args: &[Value]| method(name, args);
    let now = dt("2026-11-27T08:30:00Z");
    assert_eq!(
        t("offset", &[now.clone(), dur("-30m")]),
        dt("2026-11-27T08:00:00Z")
    );
    assert_eq!(
        t("durationSince", &[now.clone(), dt("2026-11-27")]),
        dur("8h30m")
    );
    assert_eq!(
        t("durationSince", &[dt("2026-11-27"), now.clone()]),
        dur("-8h30m")
    );
    assert_eq!(t("toDate", std::slice::from_ref(&now)), dt("2026-11-27"));
    assert_eq!(t("toTime", &[now]), dur("8h30m"));
    let before_epoch = dt("1969-12-31T23:00:00Z");
    assert_eq!(
        t("toDate", std::slice::from_ref(&before_epoch)),
        dt("1969-12-31")
    );
    assert_eq!(t("toTime", &[before_epoch]), dur("23h"));
    let max = Value::Datetime(Datetime::from_millis(i64::MAX));
    assert_eq!(
        call("offset", Kind::Method, &[max, dur("1ms")])
            .unwrap_err()
            .to_string(),
        "datetime overflow in `offset`"
    );
}

#[test]
fn durations() {
    let t = |name, args: &[Value]| method(name, args);
    let span = dur("-1d1h1m1s1ms");
    assert_eq!(
        t("toMilliseconds", std::slice::from_ref(&span)),
        Value::Int(-90_061_001)
    );
    assert_eq!(
        t("toSeconds", std::slice::from_ref(&span)),
        Value::Int(-90_061)
    );
    assert_eq!(
        t("toMinutes", std::slice::from_ref(&span)),
        Value::Int(-1_501)
    );
    assert_eq!(t("toHours", std::slice::from_ref(&span)), Value::Int(-25));
    assert_eq!(t("toDays", &[span]), Value::Int(-1));
    assert_eq!(t("toDays", &[dur("47h")]), Value::Int(1));
}

#[test]
fn addresses() {
    let t = |name, args: &[Value]| method(name, args);
    assert_eq!(t("isIpv4", &[ip("10.0.0.1")]), Value::Bool(true));
    assert_eq!(t("isIpv6", &[ip("10.0.0.1")]), Value::Bool(false));
    assert_eq!(t("isLoopback", &[ip("127.0.0.1")]), Value::Bool(true));
    assert_eq!(t("isMulticast", &[ip("ff02::1")]), Value::Bool(true));
    assert_eq!(
        t("isInRange", &[ip("10.1.2.3"), ip("10.0.0.0/8")]),
        Value::Bool(true)
    );
    assert_eq!(
        t("isInRange", &[ip("10.0.0.0/8"), ip("10.1.2.3")]),
        Value::Bool(false)
    );
    assert_eq!(
        t("isInRange", &[ip("::1"), ip("0.0.0.0/0")]),
        Value::Bool(false)
    );
}

#[test]
fn wrong_types_are_errors() {
    let error = call("toLower", Kind::Method, &[Value::Int(1)]);
    assert_eq!(
        error,
        Err(BuiltinError::Type {
            expected: "String",
            found: "Int"
        })
    );
    assert_eq!(
        error.unwrap_err().to_string(),
        "type mismatch: expected String, found Int"
    );
}
