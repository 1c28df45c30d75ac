{
  "targets": [
    {
      "target_name": "blastrain",
      "sources": [
        "native/activation.cpp",
        "native/adam.cpp",
        "native/binding.cpp",
        "native/binding_args.cpp",
        "native/binding_model.cpp",
        "native/binding_train.cpp",
        "native/check.cpp",
        "native/clip.cpp",
        "native/dense.cpp",
        "native/dropout.cpp",
        "native/gemm.cpp",
        "native/loss.cpp",
        "native/metrics.cpp",
        "native/network.cpp",
        "native/optimizer.cpp",
        "native/rmsprop.cpp",
        "native/sgd.cpp",
        "native/small_gemm.cpp"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!(node scripts/find-openblas.js include)"
      ],
      "libraries": ["<!@(node scripts/find-openblas.js libs)"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-fvisibility=hidden", "-fvisibility-inlines-hidden", "-Wall", "-Wextra", "-Wpedantic"],
      "conditions": [
        ["OS=='linux'", {
          "ldflags": ["-Wl,--exclude-libs,ALL"]
        }],
        ["OS=='mac'", {
          "xcode_settings": {
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "OTHER_CPLUSPLUSFLAGS": ["-O3", "-Wall", "-Wextra"]
          }
        }]
      ]
    }
  ]
}
