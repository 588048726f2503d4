vadeSearch.index("fr", {"pages":14,"group":8,"shards":["06","davantage","iom","recours"],"sizes":[7856,7866,7888,6630]});
