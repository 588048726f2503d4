vadeSearch.index("en", {"pages":4,"group":8,"shards":["as"],"sizes":[536]});
