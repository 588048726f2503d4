vadeSearch.index("en", {"pages":5,"group":8,"shards":["11"],"sizes":[1384]});
