fn main() {
    println!("fitbit_sim: under construction");
}
