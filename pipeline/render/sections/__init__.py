"""Display shaping of the report sections: tidy results in, labelled frames to show out."""
