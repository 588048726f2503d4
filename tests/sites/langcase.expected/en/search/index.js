vadeSearch.index("en", {"pages":3,"shards":["apple"],"sizes":[218]});
