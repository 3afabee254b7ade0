fn main() {
    let path = std::env::args().nth(1).expect("path");
    let src = std::fs::read_to_string(path).expect("read");
    let file = writ_language::parse(&src);
    for e in &file.errors {
        println!("{e:?}");
    }
    for i in &file.items {
        println!("{} at {}", i.kind.kind_name(), i.offset);
    }
    if std::env::var("FULL").is_ok() {
        println!("{:#?}", file.items);
    }
}
