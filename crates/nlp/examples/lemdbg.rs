fn main() {
    let b = std::fs::read(std::env::args().nth(1).unwrap()).unwrap();
    let l = dyad_nlp::lemma::Lemmatizer::from_bytes(&b).unwrap();
    let mut buf = String::new();
    let args: Vec<String> = std::env::args().skip(2).collect();
    for c in args.chunks(3) {
        println!("{} {} {} -> {}", c[0], c[1], c[2], l.lemma(&c[0], &c[1], &c[2], &mut buf));
    }
}
