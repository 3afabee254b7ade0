//! Properties over arbitrary inputs: no built-in panics whatever it is given,
//! and every literal type reads back what it prints.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use proptest::prelude::*;
use writ_stdlib::{
    BUILTINS, BuiltinError, Datetime, Decimal, Duration, IpNet, Pattern, PatternElem, SigType,
    Value, path,
};

/// Strings that sometimes look like the literals built-ins parse.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[-0-9.]{0,24}",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{3})?(Z|[+-][0-9]{4}))?",
        "-?([0-9]{1,3}[dhms]|[0-9]{1,3}ms){0,5}",
        "[0-9a-f:./]{0,40}",
        "[()\\[\\]{}*+?|^$a-c.\\\\#x ]{0,16}",
        "(/|\\.\\.?/|[a-c.]{1,3}/){0,8}",
    ]
}

fn ip_net() -> impl Strategy<Value = IpNet> {
    prop_oneof![
        (any::<u32>(), 0..=32_u8).prop_map(|(bits, prefix)| {
            IpNet::new(IpAddr::V4(Ipv4Addr::from_bits(bits)), prefix).unwrap()
        }),
        (any::<u128>(), 0..=128_u8).prop_map(|(bits, prefix)| {
            IpNet::new(IpAddr::V6(Ipv6Addr::from_bits(bits)), prefix).unwrap()
        }),
        // Mostly-zero addresses exercise `::` compression.
        (any::<[bool; 8]>(), any::<u16>(), 0..=128_u8).prop_map(|(zeros, fill, prefix)| {
            let segments = zeros.map(|zero| if zero { 0 } else { fill });
            IpNet::new(IpAddr::V6(Ipv6Addr::from(segments)), prefix).unwrap()
        }),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        any::<i64>().prop_map(|raw| Value::Decimal(Decimal::from_raw(raw))),
        text().prop_map(Value::from),
        any::<i64>().prop_map(|ms| Value::Datetime(Datetime::from_millis(ms))),
        any::<i64>().prop_map(|ms| Value::Duration(Duration::from_millis(ms))),
        ip_net().prop_map(Value::Ip),
        ("[A-Z][a-z]{0,5}", any::<String>()).prop_map(|(ty, id)| Value::entity(ty, id)),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::set),
            prop::collection::vec((inner.clone(), inner.clone()), 0..4).prop_map(Value::map),
            prop::collection::vec((any::<String>(), inner), 0..4).prop_map(Value::record),
        ]
    })
}

/// A value of a signature type, with type variables fixed as the checker
/// might: T and K are String, V is Int.
fn typed(sig: SigType) -> BoxedStrategy<Value> {
    match sig {
        SigType::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        SigType::Int | SigType::V => {
            prop_oneof![any::<i64>(), Just(i64::MIN), Just(i64::MAX), -3_i64..3]
                .prop_map(Value::Int)
                .boxed()
        }
        SigType::Decimal => any::<i64>()
            .prop_map(|raw| Value::Decimal(Decimal::from_raw(raw)))
            .boxed(),
        SigType::String | SigType::T | SigType::K => text().prop_map(Value::from).boxed(),
        SigType::Datetime => prop_oneof![any::<i64>(), Just(i64::MIN), Just(i64::MAX)]
            .prop_map(|ms| Value::Datetime(Datetime::from_millis(ms)))
            .boxed(),
        SigType::Duration => prop_oneof![any::<i64>(), Just(i64::MIN), Just(i64::MAX)]
            .prop_map(|ms| Value::Duration(Duration::from_millis(ms)))
            .boxed(),
        SigType::IpAddr => ip_net().prop_map(Value::Ip).boxed(),
        SigType::Set(item) => prop::collection::vec(typed(*item), 0..5)
            .prop_map(Value::set)
            .boxed(),
        SigType::Map(key, value) => prop::collection::vec((typed(*key), typed(*value)), 0..5)
            .prop_map(Value::map)
            .boxed(),
    }
}

fn well_typed_call() -> impl Strategy<Value = (usize, Vec<Value>)> {
    (0..BUILTINS.len()).prop_flat_map(|index| {
        let args: Vec<_> = BUILTINS[index].params.iter().map(|p| typed(*p)).collect();
        (Just(index), args)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn no_builtin_panics_on_any_values(args in prop::collection::vec(value(), 0..4)) {
        for builtin in BUILTINS {
            let _ = (builtin.eval)(&args);
            let arity = builtin.params.len().min(args.len());
            let _ = (builtin.eval)(&args[..arity]);
        }
    }

    #[test]
    fn well_typed_calls_never_report_type_errors((index, args) in well_typed_call()) {
        let builtin = &BUILTINS[index];
        match (builtin.eval)(&args) {
            Err(error @ (BuiltinError::Type { .. } | BuiltinError::Arity { .. })) => {
                prop_assert!(false, "{}: {error} for {args:?}", builtin.signature());
            }
            Err(error) => prop_assert!(!error.to_string().is_empty()),
            Ok(_) => {}
        }
    }

    #[test]
    fn values_display_without_panicking(v in value()) {
        prop_assert!(!v.to_string().is_empty());
    }

    #[test]
    fn decimal_round_trips(raw in any::<i64>()) {
        let decimal = Decimal::from_raw(raw);
        prop_assert_eq!(Decimal::parse(&decimal.to_string()), Ok(decimal));
    }

    #[test]
    fn decimal_text_round_trips(text in "-?[0-9]{1,14}\\.[0-9]{1,4}") {
        let decimal = Decimal::parse(&text).unwrap();
        prop_assert_eq!(Decimal::parse(&decimal.to_string()), Ok(decimal));
    }

    #[test]
    fn duration_round_trips(ms in any::<i64>()) {
        let duration = Duration::from_millis(ms);
        prop_assert_eq!(Duration::parse(&duration.to_string()), Ok(duration));
    }

    #[test]
    fn datetime_round_trips(ms in -62_167_219_200_000_i64..=253_402_300_799_999) {
        let datetime = Datetime::from_millis(ms);
        prop_assert_eq!(Datetime::parse(&datetime.to_string()), Ok(datetime));
    }

    #[test]
    fn datetime_text_round_trips(text in text()) {
        if let Ok(datetime) = Datetime::parse(&text) {
            prop_assert_eq!(Datetime::parse(&datetime.to_string()), Ok(datetime));
        }
    }

    #[test]
    fn ip_round_trips(net in ip_net()) {
        prop_assert_eq!(IpNet::parse(&net.to_string()), Ok(net));
    }

    #[test]
    fn ip_contains_itself(net in ip_net()) {
        prop_assert!(net.contains(&net));
    }

    #[test]
    fn pattern_round_trips(elems in prop::collection::vec(
        prop_oneof![Just(PatternElem::Wildcard), any::<char>().prop_map(PatternElem::Char)],
        0..12,
    )) {
        let pattern = Pattern::from_elems(elems);
        prop_assert_eq!(Pattern::parse(&pattern.to_string()), Ok(pattern));
    }

    #[test]
    fn pattern_matches_like_the_obvious_definition(
        pattern in "[ab*]{0,8}",
        text in "[ab]{0,10}",
    ) {
        let parsed = Pattern::parse(&pattern).unwrap();
        prop_assert_eq!(parsed.matches(&text), reference_match(parsed.elems(), &text.chars().collect::<Vec<_>>()));
    }

    #[test]
    fn normalize_is_idempotent(p in text()) {
        let once = path::normalize(&p);
        prop_assert_eq!(path::normalize(&once), once.clone());
        let relative_part = once.strip_prefix('/').unwrap_or(&once);
        if once != "." && once != "/" {
            prop_assert!(!relative_part.split('/').any(|c| c == "." || c.is_empty()), "{once}");
        }
        prop_assert!(path::within(&p, &once));
    }

    #[test]
    fn within_means_under(p in text(), dir in text()) {
        if path::within(&p, &dir) {
            let (p, dir) = (path::normalize(&p), path::normalize(&dir));
            let under = p == dir
                || dir == "/"
                || dir == "."
                || p.starts_with(&format!("{dir}/"));
            prop_assert!(under, "{p} within {dir}");
            prop_assert!(!p.split('/').skip_while(|c| *c == "..").any(|c| c == ".."));
        }
    }
}

/// Exponential, but obviously right, and the inputs above are tiny.
fn reference_match(pattern: &[PatternElem], text: &[char]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((PatternElem::Wildcard, rest)) => {
            (0..=text.len()).any(|skip| reference_match(rest, &text[skip..]))
        }
        Some((PatternElem::Char(c), rest)) => {
            text.first() == Some(c) && reference_match(rest, &text[1..])
        }
    }
}
