vadeSearch.index("en", {"pages":5,"shards":["and"],"sizes":[453]});
