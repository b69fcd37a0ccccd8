/// BagIt packaging and verification.
enum PackagingNamespace {}
