extension String {
    // Public so that other CSV readers (the quota register) trim cells the same way.
    /// The string without leading and trailing white space (Unicode white space, so U+3000 too) and
    /// without a stray byte-order mark.
    public func trimmingWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars
        func isSpace(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace || s == "\u{FEFF}" }
        while let first = scalars.first, isSpace(first) { scalars.removeFirst() }
        while let last = scalars.last, isSpace(last) { scalars.removeLast() }
        return String(scalars)
    }
}
