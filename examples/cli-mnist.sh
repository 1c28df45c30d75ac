# The 10,000 MNIST digits of the `mnist` package as CSV (label, pixel0 … pixel783): 8,004 to train, 1,996 to test
node scripts/mnist-csv.mjs mnist
# Pixels: scale to [0, 1] (minmax); standard scaling would blow up the pixels that are almost always 0
npx blastrain train mnist/mnist-train.csv --target label --layers 256,128 --dropout 0.2 --normalize minmax --epochs 40 --early-stopping 5 --out mnist/model.safetensors
npx blastrain eval mnist/model.safetensors mnist/mnist-test.csv
npx blastrain predict mnist/model.safetensors mnist/mnist-test.csv --out mnist/predictions.csv
npx blastrain info mnist/model.safetensors
npx blastrain plot mnist/model.history.json --log --title "MNIST digits, blastrain train" -o mnist/curves.svg
