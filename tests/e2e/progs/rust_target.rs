// rust_target.rs - a Rust program for uprobe tests of Rust names: calls
// shapes::area (a plain function) and <Square as Shape>::sides (a trait
// method, whose name has Rust's escapes) with known values, once each.
trait Shape {
    fn sides(&self) -> u32;
}

struct Square(u32);

impl Shape for Square {
    #[inline(never)]
    fn sides(&self) -> u32 {
        4 + self.0 * 0
    }
}

mod shapes {
    #[inline(never)]
    pub fn area(width: u64, height: u64) -> u64 {
        width * height
    }
}

fn main() {
    let square = Square(std::env::args().count() as u32);
    let total = shapes::area(6, 7) + u64::from(square.sides());
    println!("{}", total);
}
