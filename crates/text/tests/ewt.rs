//! The ratchet: token and sentence F1 on the raw text of UD English EWT
//! (dev and test) must not fall below the figures committed in
//! `tests/data/ewt-ratchet.txt`. Skipped, with a notice, when the shared data
//! is not next to the repository.

use std::path::Path;

#[test]
fn ewt_segmentation_does_not_regress() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ud/UD_English-EWT");
    if !shared.is_dir() {
        println!("skipping: {} not found", shared.display());
        return;
    }
    let ratchet_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ewt-ratchet.txt");
    let ratchet = std::fs::read_to_string(&ratchet_path).expect("ratchet file");
    let mut checked = 0;
    for line in ratchet.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [split, what, floor] = fields[..] else { panic!("bad ratchet line {line:?}") };
        let floor: f64 = floor.parse().expect("ratchet figure");
        let path = shared.join(format!("en_ewt-ud-{split}.conllu"));
        let sentences = dyad_nlp::conllu::read_file(&path).expect("EWT file");
        let scores = dyad_nlp::segeval::evaluate(&sentences);
        let prf = match what {
            "tokens" => scores.tokens,
            "sentences" => scores.sentences,
            _ => panic!("bad ratchet line {line:?}"),
        };
        println!("EWT {split} {what}: {prf} (ratchet {floor})");
        assert!(prf.f1() + 1e-9 >= floor, "EWT {split} {what} F1 {:.4} fell below {floor}", prf.f1());
        checked += 1;
    }
    assert!(checked >= 4);
}
