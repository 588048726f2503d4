vadeSearch.index("en", {"pages":5,"group":8,"shards":["and"],"sizes":[453]});
