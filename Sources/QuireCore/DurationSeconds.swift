extension Duration {
    /// The duration in seconds, with its fraction (for `Thread.sleep`, semaphore timeouts, SQL intervals).
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
