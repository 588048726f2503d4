vadeSearch.index("en", {"pages":5,"group":8,"shards":["2020"],"sizes":[725]});
