"""Descriptive analyses behind the report sections: pure functions over typed tables."""
