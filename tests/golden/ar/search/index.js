vadeSearch.index("ar", {"pages":14,"shards":["06","glotip","seeks","العبء","منظور"],"sizes":[7860,7880,7878,7865,3124]});
