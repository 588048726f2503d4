vadeSearch.index("fr", {"pages":14,"shards":["06","data","invisible","recourir"],"sizes":[7858,7886,7889,6623]});
