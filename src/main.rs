fn main() {
    println!("gongwen");
}
