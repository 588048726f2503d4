vadeSearch.index("en", {"pages":5,"shards":["2020"],"sizes":[725]});
