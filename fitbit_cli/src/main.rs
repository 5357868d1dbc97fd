fn main() {
    println!("fitbit: under construction");
}
