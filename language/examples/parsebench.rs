fn main() {
    let path = std::env::args().nth(1).expect("path");
    let n: u32 = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let src = std::fs::read_to_string(path).expect("read");
    let t = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(writ_language::parse(&src));
    }
    println!("parse: {:?}/iter, {} bytes", t.elapsed() / n, src.len());
}
